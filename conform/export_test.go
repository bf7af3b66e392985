package conform

// ConcatText is the text of the 3-part MO that esme.deliver-concat sends.
var ConcatText = concatText()
