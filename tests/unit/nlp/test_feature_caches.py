"""The per-message work kept between messages (issue 14) gives the numbers it gave before:
the word features' fitted vectorizer, the kernel classifier's transposed support vectors."""

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import SVC

from bot.classifiers.kernel import KernelClassifier
from bot.classifiers.linear import WordFeatures, with_words

TEXTS = [
    "the council refused to assess my son",
    "they took speech therapy out of section F",
    "can we have mediation about the school named",
    "my daughter's plan is ending when she leaves college",
    "I am worried about the annual review",
]


def _fresh_transform(words: WordFeatures, texts):
    """The transform as it was: a vectorizer built for every call."""
    vectorizer = words._vectorizer(vocabulary=words.vocabulary)
    vectorizer.idf_ = words.idf
    return vectorizer.transform(texts)


def test_word_features_are_the_same_on_every_call_as_a_fresh_vectorizer_gives():
    for characters in (False, True):
        words = WordFeatures.fit(TEXTS, characters=characters)
        for texts in (TEXTS[:1], ["the council refused"], TEXTS, ["nothing known here zzz"]):
            for _ in range(2):
                got = words.transform(texts)
                assert got.format == "csr"
                assert np.array_equal(got.toarray(), _fresh_transform(words, texts).toarray())


def test_word_features_match_scikit_learns_own_fitted_vectorizer():
    words = WordFeatures.fit(TEXTS)
    reference = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(TEXTS)
    assert np.allclose(words.transform(TEXTS[2:]).toarray(), reference.transform(TEXTS[2:]).toarray(), atol=1e-6)


def test_word_features_loaded_from_disk_give_the_same_numbers(tmp_path):
    words = WordFeatures.fit(TEXTS, characters=True)
    words.transform(TEXTS)  # the first call builds the vectorizer; saving must not depend on it
    words.save(tmp_path, "characters_")
    loaded = WordFeatures.load(tmp_path, "characters_", characters=True)
    assert np.array_equal(loaded.transform(TEXTS).toarray(), words.transform(TEXTS).toarray())


def test_vectors_with_words_are_the_vectors_then_the_weighted_words():
    words = WordFeatures.fit(TEXTS)
    vectors = np.arange(len(TEXTS) * 3, dtype=np.float32).reshape(len(TEXTS), 3)
    features = with_words(vectors, TEXTS, words, weight=0.5)
    assert features.format == "csr"
    expected = hstack([csr_matrix(vectors), _fresh_transform(words, TEXTS) * 0.5]).toarray()
    assert np.array_equal(features.toarray(), expected)


def _features(seed: int, n: int):
    rng = np.random.default_rng(seed)
    dense = rng.normal(size=(n, 8)).astype(np.float32)
    sparse = csr_matrix((rng.random((n, 60)) > 0.9).astype(np.float32))
    labels = ["disclosure" if row[0] - row[2] > 0.2 else "none" for row in dense]
    return hstack([csr_matrix(dense), sparse]).tocsr(), labels


def test_kernel_margins_are_the_same_on_every_call_and_match_scikit_learn(tmp_path):
    features, labels = _features(0, 90)
    model = KernelClassifier.fit(features, labels, c=4.0, gamma_scale=0.5)
    model.save(tmp_path / "model.npz")
    loaded = KernelClassifier.load(tmp_path / "model.npz")
    reference = SVC(C=4.0, kernel="rbf", gamma=model.gamma, class_weight="balanced").fit(features, labels)
    test, _ = _features(1, 15)
    first = loaded.margins(test)
    # One row at a time, as a message is read, gives the same margins as all rows at once.
    one_by_one = np.concatenate([loaded.margins(test[i]) for i in range(test.shape[0])])
    assert np.allclose(first, one_by_one, atol=1e-6)
    assert np.array_equal(first, loaded.margins(test))
    assert np.allclose(first, reference.decision_function(test), atol=1e-3)
    # Dense rows are read as the sparse ones are.
    assert np.allclose(loaded.margins(test.toarray()), first, atol=1e-6)
