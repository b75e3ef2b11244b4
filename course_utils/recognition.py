"""Scoring spoken-digit recognisers honestly: classifiers, two splits, the whole comparison.

- :func:`make_classifier`: logistic regression or an RBF support vector
  machine on standardised features (optionally after PCA), as a pipeline.
- :func:`evaluate_split`, :func:`evaluate_standard_split` and
  :func:`evaluate_leave_one_speaker_out`: train on some clips, test on
  others, scored on FSDD's standard split (every voice is known) and with
  one speaker held out at a time (a voice never heard before), as
  :class:`RecognitionScore` objects; :func:`evaluate_both` asks both questions.
- :func:`compare_features` and :func:`format_results`: the comparison of
  10_recognition in one call (``scripts/recognition_on_folder.py``, the benchmarks).

Used in: 10_recognition, benchmarks/recognition.py, scripts/recognition_on_folder.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import SettingError, SignalError
from .features import _one_blas_thread
from .settings import HIDDEN

__all__ = [
    "make_classifier",
    "RecognitionScore",
    "evaluate_split",
    "evaluate_standard_split",
    "evaluate_leave_one_speaker_out",
    "evaluate_both",
    "compare_features",
    "format_results",
]


def make_classifier(
    C: float | None = None,
    pca: int | None = None,
    max_iter: int = 3000,
    seed: int = 0,
    kind: str = "logistic",
):
    """A classifier on standardised features, as a scikit-learn ``Pipeline``.

    ``kind="logistic"`` (the default): logistic regression, a linear
    classifier (``C`` defaults to 1). ``kind="svm"``: a support vector
    machine with an RBF kernel (``SVC(C=C, gamma="scale")``, ``C`` defaults
    to 10), which can draw curved boundaries between the digits, e.g. one
    region per way of saying a digit.

    With ``pca=k``, the features are first reduced to their ``k`` principal
    components; because PCA is a step of the pipeline it is fitted on the
    training clips of each split only.

    Used in: 10_recognition.
    """
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    if kind == "logistic":
        model = LogisticRegression(C=1.0 if C is None else C, max_iter=max_iter)
    elif kind == "svm":
        model = SVC(C=10.0 if C is None else C, gamma="scale")
    else:
        raise SettingError(f"kind must be 'logistic' or 'svm'; got {kind!r}.")
    steps = []
    if pca is not None:
        steps.append(PCA(n_components=pca, random_state=seed))
    steps += [StandardScaler(), model]
    return make_pipeline(*steps)


@dataclass
class RecognitionScore:
    """Accuracy of a recogniser, overall and per speaker, with every prediction.

    ``accuracy`` is the mean of ``per_speaker`` (each speaker counts the same);
    ``y_true``, ``y_pred`` and ``speakers`` are the test clips' labels,
    predictions and speakers, e.g. for a confusion matrix.

    Used in: no notebook.
    """

    accuracy: float
    per_speaker: dict
    y_true: np.ndarray = field(repr=False)
    y_pred: np.ndarray = field(repr=False)
    speakers: np.ndarray = field(repr=False)

    @property
    def worst_speaker(self) -> str:
        """The speaker with the lowest accuracy."""
        return min(self.per_speaker, key=self.per_speaker.get)


def _fold_data(features, digits, train, test):
    if callable(features):
        result = features(train, test)
        if not (isinstance(result, tuple) and len(result) == 3):
            raise SignalError(
                "A features function must return (X_train, y_train, X_test) for the "
                "given (train_indices, test_indices)."
            )
        x_train, y_train, x_test = result
    else:
        features = np.asarray(features)
        if len(features) != len(digits):
            raise SignalError(
                f"features has {len(features)} rows but there are {len(digits)} clips: "
                "one row per clip, in the order of digits.audio."
            )
        x_train, y_train, x_test = features[train], digits.labels[train], features[test]
    x_train = np.asarray(x_train).reshape(len(x_train), -1)
    x_test = np.asarray(x_test).reshape(len(x_test), -1)
    for name, x in (("training features", x_train), ("test features", x_test)):
        if not np.all(np.isfinite(x)):
            raise SignalError(f"The {name} contain NaN or Inf; check how they were computed.")
    return x_train, np.asarray(y_train), x_test


def _score(y_true, y_pred, speakers) -> RecognitionScore:
    per_speaker = {
        str(s): float(np.mean(y_pred[speakers == s] == y_true[speakers == s]))
        for s in sorted(set(speakers.tolist()))
    }
    return RecognitionScore(
        accuracy=float(np.mean(list(per_speaker.values()))),
        per_speaker=per_speaker,
        y_true=np.asarray(y_true),
        y_pred=np.asarray(y_pred),
        speakers=np.asarray(speakers),
    )


def evaluate_split(features, digits, train, test, classifier=None) -> RecognitionScore:
    """Train a classifier on the clips ``train`` and score it on the clips ``test``.

    ``features`` is either an array with one row per clip (any shape per
    row; it is flattened), or a function ``features(train_indices,
    test_indices) -> (X_train, y_train, X_test)`` for features that must
    be fitted on the training clips (an autoencoder), that add augmented
    training rows, or that change the test clips. The test labels are
    ``digits.labels[test]``. ``classifier`` defaults to :func:`make_classifier`;
    it is cloned, so the one passed in is left untouched.

    Used in: no notebook.
    """
    from sklearn.base import clone

    train, test = np.asarray(train), np.asarray(test)
    x_train, y_train, x_test = _fold_data(features, digits, train, test)
    if len(x_test) != len(test):
        raise SignalError(
            f"{len(x_test)} rows of test features for {len(test)} test clips; they must pair up."
        )
    model = clone(classifier if classifier is not None else make_classifier())
    with _one_blas_thread():
        predictions = model.fit(x_train, y_train).predict(x_test)
    return _score(digits.labels[test], predictions, digits.speakers[test])


def evaluate_standard_split(
    features, digits, classifier=None, test_takes=range(5)
) -> RecognitionScore:
    """Train on takes 5 and later of every voice, test on takes 0-4 (FSDD's standard split).

    ``features`` and ``classifier`` as in :func:`evaluate_split`. Every
    test voice also has training clips: this measures how well the
    recogniser knows *these* voices.

    Used in: 10_recognition.
    """
    from .data import standard_split

    train, test = standard_split(digits, test_takes=test_takes)
    return evaluate_split(features, digits, train, test, classifier)


def evaluate_leave_one_speaker_out(features, digits, classifier=None) -> RecognitionScore:
    """Hold out each speaker in turn; train on the others, test on the held-out voice.

    ``features`` and ``classifier`` as in :func:`evaluate_split`. The
    result's ``per_speaker`` gives the accuracy on each held-out speaker
    and ``accuracy`` their mean: how well the recogniser would do for a
    new person.

    Used in: 10_recognition.
    """
    from .data import leave_one_speaker_out

    scores = [
        evaluate_split(features, digits, train, test, classifier)
        for _, train, test in leave_one_speaker_out(digits)
    ]
    return _score(
        *(
            np.concatenate([getattr(score, name) for score in scores])
            for name in ("y_true", "y_pred", "speakers")
        )
    )


def evaluate_both(features, digits, classifier=None) -> tuple[RecognitionScore, RecognitionScore]:
    """Both questions at once: ``(standard split score, leave-one-speaker-out score)``.

    ``features`` and ``classifier`` as in :func:`evaluate_split`; the pair
    is one row of :func:`format_results`.

    Used in: 10_recognition.
    """
    return (
        evaluate_standard_split(features, digits, classifier),
        evaluate_leave_one_speaker_out(features, digits, classifier),
    )


# --- the whole comparison, for scripts and benchmarks ---------------------------------------------


def compare_features(
    digits,
    code_size: int = 128,
    steps: int = 400,
    speaker_groups: int | None = None,
    copies: int = 2,
    seed: int = 0,
    verbose: bool = False,
    extra=None,
    classifier: str = "svm",
    n_ceps: int | None = 13,
    hidden_sizes=(HIDDEN,),
) -> dict:
    """The comparison of 10_recognition in one call: every feature, both splits.

    Returns ``{name: (standard_split_score, leave_one_speaker_out_score)}``
    (:class:`RecognitionScore` objects) for three features, all read by the
    same classifier (``make_classifier(kind=classifier)``, an RBF SVM by
    default):

    - MFCC statistics (:func:`course_utils.features.mfcc_table`), the training-free baseline, on
      the clips alone;
    - PCA-``code_size`` of the patches;
    - the autoencoder code (``code_size`` numbers, :class:`course_utils.code_features.AutoencoderFeatures`,
      trained inside each split, one per held-out speaker by default).

    The patches are CMVN log-mel patches, cepstrally smoothed with
    :func:`course_utils.features.cepstral_patches` (``n_ceps=None``: not smoothed); PCA and the
    autoencoder are trained with ``copies`` augmented copies of every
    training clip. ``extra`` (a ``SpokenDigits``, e.g. the synthetic voices
    of ``data.load_synthetic_digits()``) adds other speakers, never tested
    on, to the training data of PCA, the autoencoder and their classifiers;
    their sample rate must be that of ``digits``.

    Trains TensorFlow models: call ``course_utils.setup_notebook()`` first.
    ``scripts/recognition_on_folder.py`` runs it on any folder of digits.

    Used in: benchmarks/recognition.py, scripts/recognition_on_folder.py.
    """
    import time

    from .augmentation import augmented_patches
    from .code_features import AutoencoderFeatures
    from .features import cepstral_patches, log_mel_patches, mfcc_table

    def say(text):
        if verbose:
            print(text, flush=True)

    sr = digits.sample_rate
    if extra is not None and extra.sample_rate != sr:
        raise SignalError(
            f"extra digits are at {extra.sample_rate} Hz, the digits at {sr} Hz; load both at one rate."
        )

    def smooth(x):
        return x if n_ceps is None else cepstral_patches(x, n_ceps)

    results = {}
    started = time.perf_counter()
    mfcc = mfcc_table(digits.audio, sr)
    patches = smooth(log_mel_patches(digits.audio, sr))
    augmented, source = augmented_patches(digits.audio, sr, copies=copies, seed=seed)
    augmented = smooth(augmented)
    extra_patches = None if extra is None else smooth(log_mel_patches(extra.audio, sr))
    extra_labels = None if extra is None else extra.labels
    say(f"features of {len(digits)} clips in {time.perf_counter() - started:.1f} s")

    def with_augmentation(train, test):
        keep = np.isin(source, train)
        x = [patches[train], augmented[keep]]
        y = [digits.labels[train], digits.labels[source[keep]]]
        if extra is not None:
            x.append(extra_patches)
            y.append(extra_labels)
        return np.concatenate(x), np.concatenate(y), patches[test]

    autoencoder = AutoencoderFeatures(
        digits,
        patches,
        augmented,
        source,
        speaker_groups=speaker_groups,
        extra_patches=extra_patches,
        extra_labels=extra_labels,
        code_size=code_size,
        hidden_sizes=hidden_sizes,
        steps=steps,
        seed=seed,
    )
    for name, chosen, model in [
        ("MFCC mean+std", mfcc, make_classifier(kind=classifier)),
        (
            f"PCA-{code_size} of patches",
            with_augmentation,
            make_classifier(pca=code_size, kind=classifier, seed=seed),
        ),
        (f"autoencoder code ({code_size})", autoencoder, make_classifier(kind=classifier)),
    ]:
        started = time.perf_counter()
        results[name] = (
            evaluate_standard_split(chosen, digits, model),
            evaluate_leave_one_speaker_out(chosen, digits, model),
        )
        say(f"{name}: {time.perf_counter() - started:.1f} s")
    return results


def format_results(results: dict) -> str:
    """A plain-text table of ``{name: (standard_score, loso_score)}``, one row per feature.

    Used in: 10_recognition, scripts/recognition_on_folder.py.
    """
    width = max([len("features")] + [len(name) for name in results])
    lines = [
        f"{'features':{width}s} {'standard split':>15s} {'one speaker out':>16s} {'worst voice':>18s}"
    ]
    for name, (standard, loso) in results.items():
        worst = f"{loso.worst_speaker} {loso.per_speaker[loso.worst_speaker]:.0%}"
        lines.append(
            f"{name:{width}s} {standard.accuracy:>15.1%} {loso.accuracy:>16.1%} {worst:>18s}"
        )
    return "\n".join(lines)
