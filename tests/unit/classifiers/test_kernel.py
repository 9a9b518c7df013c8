"""The kernel classifier's saved arrays give the same margins as scikit-learn's own model."""
import numpy as np
import pytest
from scipy.sparse import csr_matrix, hstack
from sklearn.svm import SVC

from bot.classifiers.kernel import KernelClassifier


def _features(seed=0, n=80):
    rng = np.random.default_rng(seed)
    dense = rng.normal(size=(n, 6)).astype(np.float32)
    sparse = csr_matrix((rng.random((n, 40)) > 0.9).astype(np.float32))
    labels = ["disclosure" if row[0] + row[1] > 0.3 else "none" for row in dense]
    return hstack([csr_matrix(dense), sparse]).tocsr(), labels


def test_margins_match_scikit_learn_after_saving(tmp_path):
    features, labels = _features()
    model = KernelClassifier.fit(features, labels, c=4.0, gamma_scale=0.5)
    model.save(tmp_path / "model.npz")
    loaded = KernelClassifier.load(tmp_path / "model.npz")
    reference = SVC(C=4.0, kernel="rbf", gamma=model.gamma, class_weight="balanced").fit(features, labels)
    test, _ = _features(seed=1, n=20)
    assert np.allclose(loaded.margins(test), reference.decision_function(test), atol=1e-3)
    assert loaded.classes == ["disclosure", "none"]


def test_scores_are_on_the_right_side_of_one_half():
    features, labels = _features()
    model = KernelClassifier.fit(features, labels)
    scores = model.probabilities(features)
    column = model.classes.index("disclosure")
    predicted = np.where(scores[:, column] > 0.5, "disclosure", "none")
    assert (predicted == np.array(labels)).mean() > 0.9
    assert np.allclose(scores.sum(axis=1), 1.0)


def test_one_class_is_refused():
    features, _ = _features()
    with pytest.raises(ValueError):
        KernelClassifier.fit(features, ["none"] * features.shape[0])
