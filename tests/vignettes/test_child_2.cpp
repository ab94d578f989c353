// Stylised-fact tests for this vignette: being written.
