"""Hearing a faulty machine: unsupervised anomaly detection on machine sounds (DCASE Task 2).

Train on the sounds of a healthy machine only, score each new clip by how
badly a model of "normal" explains it, and report how well the scores rank
abnormal clips above normal ones (the area under the ROC curve, AUC).

- :func:`load_machine_sounds`: a folder with ``normal/`` and ``abnormal/``
  (any WAV, FLAC or OGG, any rate, first channel), or the bundled MIMII fan.
- :func:`log_mel_frames` and :func:`stack_context`: the DCASE 2020 baseline's
  features (128-band log-mel frames, 5 stacked in context), computed with
  :mod:`course_utils.spectral`.
- :func:`split_normal`: normal clips split into training and test **by clip**,
  never by frame (frames of one clip are near copies of each other).
- :func:`pool`: frame scores to one clip score (mean, max or the mean of the
  top fraction).
- :func:`auc`, :func:`partial_auc`, :func:`bootstrap_interval`: the metrics.
- :func:`build_anomaly_autoencoder`, :func:`autoencoder_scores`,
  :func:`pca_scores`, :func:`gaussian_scores`, :func:`error_gaussian_scores`:
  the detectors compared in the lesson, on the same splits by
  :func:`evaluate`.

Used in: 09_anomaly_detection, benchmarks/anomaly.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import AudioFileError, DatasetLayoutError, SettingError, SilentSignalError
from .profiling import release_memory

__all__ = [
    "AUDIO_SUFFIXES",
    "N_MELS",
    "N_FFT",
    "MEL_HOP",
    "CONTEXT",
    "MIN_NORMAL",
    "MachineSounds",
    "load_machine_sounds",
    "bundled_machine_dir",
    "log_mel_frames",
    "stack_context",
    "split_normal",
    "pool",
    "auc",
    "partial_auc",
    "bootstrap_interval",
    "build_anomaly_autoencoder",
    "train_autoencoder",
    "frame_errors",
    "clip_errors",
    "autoencoder_scores",
    "pca_scores",
    "gaussian_scores",
    "error_gaussian_scores",
    "SplitResult",
    "evaluate",
    "summarize",
]

#: Audio files a machine folder may hold.
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")
#: Mel bands of one frame (the DCASE 2020 Task 2 baseline's setting).
N_MELS = 128
#: FFT size in samples (64 ms at 16 kHz).
N_FFT = 1024
#: Hop between log-mel frames in samples (32 ms at 16 kHz).
MEL_HOP = 512
#: Log-mel frames stacked into one input vector (the baseline's context).
CONTEXT = 5
#: The fewest normal clips a folder must hold: two to train on, two to test.
MIN_NORMAL = 4


@dataclass
class MachineSounds:
    """Normal and abnormal recordings of one machine, all at one rate.

    Used in: no notebook.
    """

    normal: list
    abnormal: list
    sr: int
    normal_names: list = field(default_factory=list)
    abnormal_names: list = field(default_factory=list)
    source: str = ""


def bundled_machine_dir() -> Path:
    """The bundled recordings of one MIMII fan (``data/real/machines/fan-id00``).

    Used in: no notebook.
    """
    from .data import data_path

    return data_path("real", "machines", "fan-id00")


def _read_first_channel(path: Path, sr: int | None) -> tuple[np.ndarray, int]:
    import soundfile

    try:
        samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except Exception as error:  # libsndfile's own message says little
        raise AudioFileError(
            f"{path} could not be read as audio ({error}). Put only WAV, FLAC or OGG files "
            "in normal/ and abnormal/, or convert this one (e.g. with ffmpeg or Audacity)."
        ) from None
    samples = np.ascontiguousarray(samples[:, 0])
    if (
        samples.size == 0
        or not np.all(np.isfinite(samples))
        or float(np.max(np.abs(samples))) == 0.0
    ):
        raise SilentSignalError(
            f"{path} is empty, silent or holds NaN/Inf samples: it cannot be scored. "
            "Remove it from the folder or record it again."
        )
    if sr is not None and rate != sr:
        import librosa

        samples = librosa.resample(y=samples, orig_sr=rate, target_sr=sr).astype(np.float32)
        rate = sr
    return samples, int(rate)


def _clips_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)


def load_machine_sounds(folder=None, sr: int | None = None) -> MachineSounds:
    """Load ``normal/`` and ``abnormal/`` recordings of one machine; the first channel of each file.

    Parameters
    ----------
    folder : str or Path or None
        A folder holding ``normal/`` and ``abnormal/`` (WAV, FLAC or OGG
        files). ``None``: the bundled MIMII fan, :func:`bundled_machine_dir`.
    sr : int or None
        Resample every clip to this rate. ``None``: the first file's rate;
        files at another rate are resampled to it.

    Raises
    ------
    DatasetLayoutError
        The folder or one class is missing or empty, or it has fewer than
        :data:`MIN_NORMAL` normal clips.
    AudioFileError, SilentSignalError
        A file cannot be read, or is empty or silent.

    Used in: 09_anomaly_detection, benchmarks/anomaly.py.
    """
    root = bundled_machine_dir() if folder is None else Path(folder)
    if not root.is_dir():
        raise DatasetLayoutError(
            f"{root} is not a folder. Give a folder holding normal/ and abnormal/ sub-folders of recordings."
        )
    found = {}
    for kind in ("normal", "abnormal"):
        sub = root / kind
        clips = _clips_in(sub) if sub.is_dir() else []
        if not clips:
            raise DatasetLayoutError(
                f"{sub} is missing or holds no WAV, FLAC or OGG files. Anomaly detection needs both "
                f"classes: put recordings of the healthy machine in {root / 'normal'} and of the faulty "
                f"one in {root / 'abnormal'}."
            )
        found[kind] = clips
    if len(found["normal"]) < MIN_NORMAL:
        raise DatasetLayoutError(
            f"{root / 'normal'} holds {len(found['normal'])} clips; at least {MIN_NORMAL} are needed "
            "(half to train on, half to test how often normal sound is flagged). Add more normal recordings."
        )
    rate = sr
    loaded = {}
    for kind, paths in found.items():
        clips = []
        for path in paths:
            samples, rate = _read_first_channel(path, rate)
            clips.append(samples)
        loaded[kind] = clips
    return MachineSounds(
        normal=loaded["normal"],
        abnormal=loaded["abnormal"],
        sr=int(rate),
        normal_names=[p.name for p in found["normal"]],
        abnormal_names=[p.name for p in found["abnormal"]],
        source=str(root),
    )


def log_mel_frames(
    clip, sr: int, n_mels: int = N_MELS, n_fft: int = N_FFT, hop_length: int = MEL_HOP
) -> np.ndarray:
    """A clip's log-mel spectrogram in decibels, one frame per row: shape ``(frames, n_mels)``.

    ``10 log10`` of the mel power (floor 1e-10), as the DCASE 2020 baseline
    computes it, through :func:`course_utils.spectral.mel_spectrogram`.

    Used in: 09_anomaly_detection.
    """
    from .spectral import mel_spectrogram

    mel = mel_spectrogram(
        np.asarray(clip, dtype=np.float32), sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels
    )
    return (10.0 * np.log10(np.maximum(mel, 1e-10))).T.astype(np.float32)


def stack_context(frames, context: int = CONTEXT) -> np.ndarray:
    """Stack ``context`` consecutive frames into one vector: ``(frames - context + 1, context * bands)``.

    Row ``t`` is frames ``t .. t + context - 1`` side by side, oldest first.

    Used in: 09_anomaly_detection.
    """
    frames = np.asarray(frames, dtype=np.float32)
    if frames.ndim != 2:
        raise SettingError(f"frames must be 2-D (frames, bands); got shape {frames.shape}.")
    if not isinstance(context, (int, np.integer)) or context < 1:
        raise SettingError(f"context must be a whole number >= 1; got {context!r}. Try context=5.")
    if len(frames) < context:
        raise SettingError(
            f"A clip of {len(frames)} frames is shorter than the context of {context}: use longer clips "
            "or a smaller context."
        )
    windows = np.lib.stride_tricks.sliding_window_view(
        frames, context, axis=0
    )  # (n, bands, context)
    return np.ascontiguousarray(windows.transpose(0, 2, 1).reshape(len(windows), -1))


def split_normal(
    n_normal: int, seed: int, n_train: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, test)`` of the normal clips, shuffled by ``seed``: a split by clip, never by frame.

    ``n_train`` defaults to 70 % of the clips (14 of 20), at least two
    clips are left to test.

    Used in: 09_anomaly_detection.
    """
    if n_normal < MIN_NORMAL:
        raise DatasetLayoutError(
            f"{n_normal} normal clips are too few; at least {MIN_NORMAL} are needed."
        )
    if n_train is None:
        n_train = int(round(0.7 * n_normal))
    n_train = int(min(max(n_train, 2), n_normal - 2))
    order = np.random.default_rng(seed).permutation(n_normal)
    return np.sort(order[:n_train]), np.sort(order[n_train:])


def pool(frame_scores, how="mean") -> float:
    """One clip score from its frame scores: ``"mean"``, ``"max"``, or a fraction in (0, 1]: the mean of the top fraction.

    Used in: 09_anomaly_detection.
    """
    scores = np.asarray(frame_scores, dtype=np.float64).ravel()
    if scores.size == 0:
        raise SettingError(
            "There are no frame scores to pool: the clip is shorter than one stacked frame."
        )
    if how == "mean":
        return float(scores.mean())
    if how == "max":
        return float(scores.max())
    if isinstance(how, (float, int)) and not isinstance(how, bool) and 0 < how <= 1:
        k = max(1, int(np.ceil(how * scores.size)))
        return float(np.sort(scores)[-k:].mean())
    raise SettingError(
        f"how must be 'mean', 'max' or a fraction in (0, 1] such as 0.1; got {how!r}."
    )


def _labels_and_scores(normal_scores, abnormal_scores):
    normal_scores = np.asarray(normal_scores, dtype=np.float64).ravel()
    abnormal_scores = np.asarray(abnormal_scores, dtype=np.float64).ravel()
    if normal_scores.size == 0 or abnormal_scores.size == 0:
        raise SettingError("AUC needs at least one normal and one abnormal score.")
    labels = np.r_[np.zeros(normal_scores.size), np.ones(abnormal_scores.size)]
    return labels, np.r_[normal_scores, abnormal_scores]


def auc(normal_scores, abnormal_scores) -> float:
    """Area under the ROC curve: the chance that a random abnormal clip scores above a random normal one.

    Used in: 09_anomaly_detection.
    """
    from sklearn.metrics import roc_auc_score

    labels, scores = _labels_and_scores(normal_scores, abnormal_scores)
    return float(roc_auc_score(labels, scores))


def partial_auc(normal_scores, abnormal_scores, max_fpr: float = 0.1) -> float:
    """The partial AUC over false-positive rates ``0..max_fpr``, as the DCASE 2020 baseline computes it.

    scikit-learn's ``roc_auc_score(max_fpr=...)``: the ROC area up to
    ``max_fpr``, standardized (McClish) so that a detector ranking at random
    scores 0.5 and a perfect one 1, like the AUC. It only counts how well the
    detector does where false alarms are rare.

    Used in: 09_anomaly_detection.
    """
    from sklearn.metrics import roc_auc_score

    if not 0 < max_fpr <= 1:
        raise SettingError(f"max_fpr must be in (0, 1]; got {max_fpr!r}. DCASE uses 0.1.")
    labels, scores = _labels_and_scores(normal_scores, abnormal_scores)
    return float(roc_auc_score(labels, scores, max_fpr=max_fpr))


def bootstrap_interval(
    normal_scores, abnormal_scores, n: int = 1000, seed: int = 0, level: float = 0.95
):
    """A bootstrap ``level`` interval of the AUC: resample each class's clips with replacement ``n`` times.

    Each resample's AUC is the share of (abnormal, normal) pairs in the right
    order (ties count half), computed from one table of all pairs.

    Used in: 09_anomaly_detection.
    """
    labels, scores = _labels_and_scores(normal_scores, abnormal_scores)
    normal, abnormal = scores[labels == 0], scores[labels == 1]
    pairs = (abnormal[:, None] > normal[None, :]) + 0.5 * (abnormal[:, None] == normal[None, :])
    rng = np.random.default_rng(seed)
    count_a = rng.multinomial(abnormal.size, np.full(abnormal.size, 1 / abnormal.size), size=n)
    count_n = rng.multinomial(normal.size, np.full(normal.size, 1 / normal.size), size=n)
    values = np.einsum("ba,an,bn->b", count_a, pairs, count_n) / (abnormal.size * normal.size)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


# ---------------------------------------------------------------- detectors


def build_anomaly_autoencoder(
    input_size: int, code_size: int = 8, hidden: int = 128, depth: int = 4
):
    """The DCASE 2020 baseline's dense autoencoder: ``input -> hidden x depth -> code -> hidden x depth -> input``.

    Each hidden and code layer is Dense, batch normalization and ReLU, as in
    the baseline; the output is linear. Returns the compiled ``keras.Model``
    (Adam, mean squared error).

    Used in: 09_anomaly_detection.
    """
    import keras

    inputs = keras.Input(shape=(input_size,), name="stacked_log_mel")
    x = inputs
    for index, width in enumerate([hidden] * depth + [code_size] + [hidden] * depth):
        x = keras.layers.Dense(width, name="code" if index == depth else f"dense_{index}")(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.ReLU()(x)
    outputs = keras.layers.Dense(input_size, name="reconstruction")(x)
    model = keras.Model(inputs, outputs, name="anomaly_autoencoder")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    return model


def train_autoencoder(
    model,
    train_x,
    epochs: int = 30,
    batch_size: int = 256,
    seed: int = 0,
    progress: bool | None = None,
):
    """Fit ``model`` to reconstruct ``train_x`` (normal frames only); return the loss per epoch.

    ``progress``: a line that moves while it trains (:class:`course_utils.monitor.TrainingProgress`);
    ``None``, the default, shows it only in a notebook.

    Used in: 09_anomaly_detection.
    """
    import math

    import keras

    from .monitor import TrainingProgress

    keras.utils.set_random_seed(seed)
    if epochs == 0:
        return []
    bar = TrainingProgress(epochs * math.ceil(len(train_x) / batch_size), show=progress)
    history = model.fit(
        train_x,
        train_x,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        verbose=0,
        callbacks=[bar] if bar.show else [],
    )
    return [float(v) for v in history.history["loss"]]


def frame_errors(model, x, per_band: bool = False, batch_size: int = 512) -> np.ndarray:
    """Squared reconstruction error of each stacked frame (mean over its numbers), or per number with ``per_band``.

    The model sees ``batch_size`` frames at a time: one call on thousands of
    frames would hold every layer's output for all of them at once (about
    70 MB for the lesson's test clips), memory the process then keeps.

    Used in: no notebook.
    """
    x = np.asarray(x, dtype=np.float32)
    errors = [np.zeros((0, x.shape[1]) if per_band else 0, dtype=np.float32)]
    for start in range(0, len(x), batch_size):
        chunk = x[start : start + batch_size]
        error = (np.asarray(model(chunk, training=False)) - chunk) ** 2
        errors.append(error if per_band else error.mean(axis=1))
    return np.concatenate(errors)


def clip_errors(model, clips, transform=None, per_band: bool = False) -> list:
    """:func:`frame_errors` of many clips in one pass through the model: one array per clip.

    Used in: 09_anomaly_detection.
    """
    transform = transform or (lambda x: x)
    errors = frame_errors(model, np.concatenate([transform(c) for c in clips]), per_band=per_band)
    return np.split(errors, np.cumsum([len(c) for c in clips])[:-1])


@dataclass
class _Features:
    """Per-clip features of one machine: stacked frames and mean log-mel per clip."""

    stacked: list
    mean_mel: np.ndarray


def _clip_features(sounds: MachineSounds, context: int) -> tuple[_Features, _Features]:
    out = []
    for clips in (sounds.normal, sounds.abnormal):
        mels = [log_mel_frames(c, sounds.sr) for c in clips]
        out.append(
            _Features(
                [stack_context(m, context) for m in mels], np.stack([m.mean(axis=0) for m in mels])
            )
        )
    return out[0], out[1]


def _standardizer(train_stacked):
    stacked = np.concatenate(train_stacked)
    mean = stacked.mean(axis=0)
    std = stacked.std(axis=0) + 1e-3
    return lambda x: (x - mean) / std


def autoencoder_scores(
    model,
    train_clips,
    test_clips,
    how="mean",
    epochs: int = 30,
    seed: int = 0,
    standardize: bool = True,
):
    """Train ``model`` on the stacked frames of ``train_clips``; pool each test clip's frame errors into one score.

    Returns ``(scores, loss_per_epoch, transform)``: ``transform`` is the
    per-number standardisation fitted on the training frames (identity when
    ``standardize=False``).

    Used in: no notebook.
    """
    transform = _standardizer(train_clips) if standardize else (lambda x: x)
    loss = train_autoencoder(  # no line of its own: evaluate() counts the splits
        model, transform(np.concatenate(train_clips)), epochs=epochs, seed=seed, progress=False
    )
    scores = np.array([pool(error, how) for error in clip_errors(model, test_clips, transform)])
    return scores, loss, transform


def pca_scores(
    train_clips, test_clips, n_components: int = 8, how="mean", standardize: bool = True
):
    """PCA reconstruction error of each stacked frame, pooled per test clip: the linear autoencoder.

    Used in: no notebook.
    """
    from sklearn.decomposition import PCA

    transform = _standardizer(train_clips) if standardize else (lambda x: x)
    pca = PCA(n_components=n_components, random_state=0).fit(transform(np.concatenate(train_clips)))
    scores = []
    for clip in test_clips:
        x = transform(clip)
        error = ((pca.inverse_transform(pca.transform(x)) - x) ** 2).mean(axis=1)
        scores.append(pool(error, how))
    return np.array(scores)


def gaussian_scores(train_vectors, test_vectors):
    """Mahalanobis distance of each test vector from a Gaussian fitted to the training vectors (Ledoit-Wolf covariance).

    With each clip's mean log-mel as its vector, this is the strong simple
    baseline of the lesson: no network, one mean and one shrunk covariance.

    Used in: 09_anomaly_detection.
    """
    from sklearn.covariance import LedoitWolf

    fitted = LedoitWolf().fit(np.asarray(train_vectors, dtype=np.float64))
    return np.sqrt(fitted.mahalanobis(np.asarray(test_vectors, dtype=np.float64)))


def error_gaussian_scores(model, transform, train_clips, test_clips, context: int = CONTEXT):
    """Mahalanobis distance on each clip's mean reconstruction error per mel band (autoencoder-based).

    A clip's vector is its squared error per number, averaged over frames and
    over the ``context`` stacked copies of each band; a Gaussian
    (Ledoit-Wolf) is fitted to the training clips' vectors.

    Used in: no notebook.
    """

    def vectors(clips):
        errors = clip_errors(model, clips, transform, per_band=True)
        return [np.log(e.mean(axis=0).reshape(context, -1).mean(axis=0) + 1e-6) for e in errors]

    return gaussian_scores(vectors(train_clips), vectors(test_clips))


@dataclass
class SplitResult:
    """One detector on one split: its scores and metrics.

    Used in: no notebook.
    """

    method: str
    seed: int
    normal_scores: np.ndarray
    abnormal_scores: np.ndarray
    auc: float
    pauc: float
    auc_low: float
    auc_high: float


def _result(method, seed, scores, n_test_normal):
    normal, abnormal = scores[:n_test_normal], scores[n_test_normal:]
    low, high = bootstrap_interval(normal, abnormal, seed=seed)
    return SplitResult(
        method,
        seed,
        normal,
        abnormal,
        auc(normal, abnormal),
        partial_auc(normal, abnormal),
        low,
        high,
    )


def evaluate(
    sounds: MachineSounds,
    seeds=range(5),
    epochs: int = 30,
    code_size: int = 8,
    context: int = CONTEXT,
    how="mean",
    methods=(
        "autoencoder",
        "autoencoder, untrained",
        "autoencoder + Gaussian on band errors",
        "PCA",
        "Gaussian",
    ),
    n_train: int | None = None,
    standardize: bool = True,
    build=None,
    verbose: bool = False,
    also_pool=(),
    progress: bool | None = None,
) -> list[SplitResult]:
    """Every detector in ``methods`` on the same seeded splits of the normal clips; one :class:`SplitResult` each.

    Each split trains on ``n_train`` normal clips and tests on the other
    normal clips and on every abnormal clip. ``build(input_size, code_size)``
    makes each split's autoencoder (default :func:`build_anomaly_autoencoder`),
    seeded with the split's seed.

    Only the first split's model is trained as built: every later split
    copies its freshly built model's starting weights, and the optimizer's
    starting state, into that first model and trains it again. The numbers
    are those of a new model per split, but TensorFlow traces the training
    step once, not once per split (each trace keeps about 50 MB resident).

    ``also_pool`` lists further poolings (see :func:`pool`) of the trained
    autoencoder's frame errors, each reported as a method of its own,
    ``"autoencoder, max pooling"`` or ``"autoencoder, top 10% pooling"``:
    they cost no training.

    ``progress``: a line that counts the splits as they are trained and scored; ``None``, the
    default, shows it only in a notebook.

    Used in: 09_anomaly_detection, benchmarks/anomaly.py.
    """
    from .monitor import progress as progress_line

    release_memory()  # start from what the caller still holds, not what it freed
    normal, abnormal = _clip_features(sounds, context)
    results = []
    model = optimizer_start = None
    seeds = list(seeds)
    splits = progress_line(
        seeds,
        total=max(1, len(seeds)),
        label="training and scoring",
        unit="splits",
        min_interval=0.0,
        show=progress,
    )
    for seed in splits:
        train, test = split_normal(len(sounds.normal), seed, n_train)
        train_stacked = [normal.stacked[i] for i in train]
        test_stacked = [normal.stacked[i] for i in test] + abnormal.stacked
        n_test = len(test)
        transform = None
        if any(m.startswith("autoencoder") for m in methods):
            import keras

            keras.utils.set_random_seed(seed)
            fresh = (build or build_anomaly_autoencoder)(
                train_stacked[0].shape[1], code_size=code_size
            )
            if model is None:
                model = fresh
                model.optimizer.build(model.trainable_variables)
                optimizer_start = [keras.ops.convert_to_numpy(v) for v in model.optimizer.variables]
            else:  # this split's starting weights in the model whose training step is traced
                model.set_weights(fresh.get_weights())
                for variable, start in zip(model.optimizer.variables, optimizer_start):
                    variable.assign(start)
            del fresh
            if (
                "autoencoder, untrained" in methods
            ):  # the model's own start: the yardstick for training
                untrained, _, _ = autoencoder_scores(
                    model, train_stacked, test_stacked, how=how, epochs=0, standardize=standardize
                )
            ae, _, transform = autoencoder_scores(
                model,
                train_stacked,
                test_stacked,
                how=how,
                epochs=epochs,
                seed=seed,
                standardize=standardize,
            )
        for method in methods:
            if method == "autoencoder":
                scores = ae
            elif method == "autoencoder, untrained":
                scores = untrained
            elif method == "autoencoder + Gaussian on band errors":
                scores = error_gaussian_scores(
                    model, transform, train_stacked, test_stacked, context
                )
            elif method == "PCA":
                scores = pca_scores(
                    train_stacked,
                    test_stacked,
                    n_components=code_size,
                    how=how,
                    standardize=standardize,
                )
            elif method == "Gaussian":
                scores = gaussian_scores(
                    normal.mean_mel[train], np.r_[normal.mean_mel[test], abnormal.mean_mel]
                )
            else:
                raise SettingError(f"Unknown method {method!r}.")
            results.append(_result(method, seed, scores, n_test))
            if method == "autoencoder" and also_pool:
                errors = clip_errors(model, test_stacked, transform)
                for extra in also_pool:
                    extra_scores = np.array([pool(e, extra) for e in errors])
                    name = extra if isinstance(extra, str) else f"top {extra:.0%}"
                    results.append(
                        _result(f"autoencoder, {name} pooling", seed, extra_scores, n_test)
                    )
            if verbose:
                r = results[-1]
                print(f"split {seed}  {method:<40} AUC {r.auc:.3f}  pAUC {r.pauc:.3f}", flush=True)
        release_memory()  # hand each split's freed arrays back: five splits stay within Binder's budget
    return results


def summarize(results) -> dict:
    """Per method: mean and spread (sample standard deviation) of AUC and pAUC over the splits, and of the interval ends.

    Used in: 09_anomaly_detection.
    """
    table = {}
    for method in dict.fromkeys(r.method for r in results):
        rows = [r for r in results if r.method == method]

        def get(name, rows=rows):
            return np.array([getattr(r, name) for r in rows])

        table[method] = {
            "auc": float(get("auc").mean()),
            "auc_spread": float(get("auc").std(ddof=1)) if len(rows) > 1 else 0.0,
            "pauc": float(get("pauc").mean()),
            "auc_low": float(get("auc_low").mean()),
            "auc_high": float(get("auc_high").mean()),
            "splits": len(rows),
            "aucs": [float(v) for v in get("auc")],
        }
    return table
