"""Small classifiers on sentence vectors and words, fitted with scikit-learn and saved as
plain arrays (.npz, no pickle): a model file is data, not code. Used by the NLU
components (bot.nlp) and the safeguarding detector (bot.safeguarding)."""
