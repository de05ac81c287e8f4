package retry

// Classifier claims errors it knows (for example rod's and CDP's) and says their type.
// It returns false for errors it does not know.
type Classifier func(err error) (ErrorType, bool)
