"""Exercises for 12_efficiency_and_scale: FLOPs counted from a model's layers, a pruning mask, the
global batch, 4-bit weights (open).

q1, q2 and q4 take the learner's function and run it: q1 on three autoencoders of other sizes,
q2 on three weight matrices and sparsities, q4 on every kernel of the course's trained model
(measured by the test SNR). q3 is the lesson's one arithmetic exercise.

Used in: 12_efficiency_and_scale.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..checks import is_whole_number
from ..i18n import N_, tr
from ._core import Exercise, Incorrect, _refuse_shortcut

__all__ = ["q1", "q2", "q3", "q4"]


# --- q1: FLOPs per frame, counted from a model's layers -------------------------------------------

#: The autoencoders q1's checker counts: (frame_length, code_size, hidden_sizes).
Q1_CASES = ((128, 16, (64,)), (64, 8, (32, 16)), (40, 4, (20,)))

#: The course's own counts: calling them would skip the counting the exercise asks for.
_Q1_SHORTCUTS = {
    "course_utils.efficiency:count_dense_flops": N_(
        "that is the course's own count. Walk through the model's Dense layers and count them "
        "yourself."
    ),
    "course_utils.efficiency:dense_autoencoder_cost": N_(
        "that is the course's own count. Walk through the model's Dense layers and count them "
        "yourself."
    ),
}


def _q1_solution():
    import keras

    def flops_per_frame(model):
        total = 0
        for part in model.layers:  # the autoencoder's layers: its input, the encoder, the decoder
            for layer in getattr(part, "layers", [part]):  # the Dense layers inside each
                if isinstance(layer, keras.layers.Dense):
                    n, m = layer.kernel.shape  # n values in, m values out
                    total += 2 * n * m + m  # a multiply and an add per weight, an add per bias
        return total

    return flops_per_frame


def _q1_model(frame_length, code_size, hidden_sizes):
    import keras

    from ..models import build_dense_autoencoder

    keras.utils.set_random_seed(0)
    return build_dense_autoencoder(frame_length, code_size, hidden_sizes=hidden_sizes)[0]


def _q1_layer_sizes(frame_length, code_size, hidden_sizes):
    sizes = [frame_length, *hidden_sizes, code_size]
    widths = sizes + sizes[-2::-1]  # the encoder, then the decoder mirrors it
    return list(zip(widths[:-1], widths[1:])), list(zip(sizes[:-1], sizes[1:]))


def _q1_check(answer):
    import keras

    if not callable(answer) or isinstance(answer, keras.Model):
        raise Incorrect(
            tr("Give your function itself (`answer = flops_per_frame`), not the count it returns.")
        )
    _refuse_shortcut(answer, _Q1_SHORTCUTS)
    counts = []
    for frame_length, code_size, hidden_sizes in Q1_CASES:
        model = _q1_model(frame_length, code_size, hidden_sizes)
        shape = tr("the autoencoder {sizes}").format(
            sizes=" -> ".join(str(n) for n in _q1_sizes(frame_length, code_size, hidden_sizes))
        )
        count = answer(model)
        if count is None:
            raise Incorrect(tr("Your function returns None: `return` the count."))
        if not is_whole_number(count):
            raise Incorrect(
                tr("For {model} your function returned {count!r}; return one whole number.").format(
                    model=shape, count=count
                )
            )
        count = int(count)
        counts.append(count)
        pairs, encoder_pairs = _q1_layer_sizes(frame_length, code_size, hidden_sizes)
        weights = sum(n * m for n, m in pairs)
        biases = sum(m for _, m in pairs)
        expected = 2 * weights + biases
        if count == expected:
            continue
        if counts[:-1] and count == counts[0]:
            raise Incorrect(
                tr(
                    "Your function returns {count} for every model, also for {model}: count the "
                    "layers of the model it receives."
                ).format(count=count, model=shape)
            )
        if count == 0:
            raise Incorrect(
                tr(
                    "For {model} your function counts 0: it found no Dense layer. `model.layers` "
                    "holds the encoder and the decoder, which are models themselves; look inside "
                    "each one."
                ).format(model=shape)
            )
        if count == weights + biases:
            raise Incorrect(
                tr(
                    "For {model} you count {count}, the number of parameters; a FLOP count charges "
                    "each weight a multiply and an add."
                ).format(model=shape, count=count)
            )
        if count == weights:
            raise Incorrect(
                tr(
                    "For {model} you count one multiply per weight, but neither the adds nor the "
                    "biases."
                ).format(model=shape)
            )
        if count == 2 * weights:
            raise Incorrect(
                tr(
                    "For {model} you count the weights' multiplies and adds, not the biases."
                ).format(model=shape)
            )
        if count == sum(2 * n * m + m for n, m in encoder_pairs):
            raise Incorrect(
                tr(
                    "For {model} you count the encoder alone; reconstructing a frame runs the "
                    "decoder too."
                ).format(model=shape)
            )
        raise Incorrect(
            tr(
                "For {model} your count is {count}, not the FLOPs of its Dense layers. Print each "
                "layer you count with its kernel's shape, and compare with the picture of the model."
            ).format(model=shape, count=count)
        )


def _q1_sizes(frame_length, code_size, hidden_sizes):
    sizes = [frame_length, *hidden_sizes, code_size]
    return sizes + sizes[-2::-1]


def _wrong_flops(kind):
    """A ``flops_per_frame`` with one typical mistake, for the tests."""
    import keras

    def dense_of(model, nested=True):
        found = []
        for part in model.layers:
            for layer in getattr(part, "layers", [part]) if nested else [part]:
                if isinstance(layer, keras.layers.Dense):
                    found.append(layer)
        return found

    def flops_per_frame(model):
        if kind == "hard-coded":
            return 37_136  # the first autoencoder's count, worked out by hand
        layers = dense_of(model, nested=kind != "top level")
        if kind == "encoder":
            layers = [
                layer for layer in model.layers[1].layers if isinstance(layer, keras.layers.Dense)
            ]
        total = 0
        for layer in layers:
            n, m = layer.kernel.shape
            total += {
                "params": n * m + m,
                "multiplies": n * m,
                "no biases": 2 * n * m,
                "encoder": 2 * n * m + m,
                "top level": 2 * n * m + m,
                "float": 2 * n * m + m + 0.125,
            }[kind]
        return total

    return flops_per_frame


def _flops_shortcut(model):
    """The shortcut q1 refuses: the course's own count (for the tests)."""
    from course_utils import efficiency

    return efficiency.count_dense_flops(model)


q1 = Exercise(
    N_("Exercise 1: FLOPs per frame, from the model's layers"),
    _q1_check,
    [
        N_(
            "Print `[layer.name for layer in model.layers]` for one autoencoder: which of them hold "
            "the Dense layers, and where are those?"
        ),
        N_(
            "A Dense layer's `kernel` has the shape (values in, values out). Section 2 says what "
            "each weight and each bias costs."
        ),
        N_("Still stuck? `exercises.q1.solution()` shows the course's count."),
    ],
    _q1_solution,
    wrong_answers=[
        (lambda ctx: _wrong_flops("params"), "number of parameters"),
        (lambda ctx: _wrong_flops("multiplies"), "neither the adds"),
        (lambda ctx: _wrong_flops("no biases"), "not the biases"),
        (lambda ctx: _wrong_flops("encoder"), "encoder alone"),
        (lambda ctx: _wrong_flops("top level"), "found no Dense layer"),
        (lambda ctx: _wrong_flops("hard-coded"), "for every model"),
        (lambda ctx: _wrong_flops("float"), "one whole number"),
        (lambda ctx: _flops_shortcut, "course's own count"),
        (33_872, "function itself"),
    ],
    solution_name="solution",
)


# --- q2: a magnitude-pruning mask ---------------------------------------------------------------

#: What q2's checker asks the learner's function for: (weights, sparsity); the first is the lesson's.
_Q2_WEIGHTS = np.array(
    [[0.30, -0.02, 0.11, -0.45], [0.05, -0.20, 0.01, 0.60], [-0.07, 0.25, -0.33, 0.09]]
)

_Q2_SHORTCUTS = {
    "course_utils.efficiency:magnitude_masks": N_(
        "that is the course's own pruning. Rank the weights yourself."
    ),
    "course_utils.efficiency:prune": N_(
        "that is the course's own pruning. Rank the weights yourself."
    ),
}


def _q2_cases():
    rng = np.random.default_rng(12)
    return [
        (_Q2_WEIGHTS, 0.5),
        (np.round(rng.normal(0.0, 0.3, size=(5, 6)), 3), 0.2),
        (np.round(rng.normal(0.0, 0.3, size=(4, 5)), 3), 0.75),
    ]


def _q2_solution():
    def pruning_mask(weights, sparsity):
        n_zero = round(sparsity * weights.size)  # how many weights to prune
        smallest_first = np.argsort(np.abs(weights), axis=None, kind="stable")  # flat positions
        mask = np.ones(weights.size)
        mask[smallest_first[:n_zero]] = 0.0
        return mask.reshape(weights.shape)

    return pruning_mask


def _q2_check(answer):
    if not callable(answer):
        raise Incorrect(
            tr("Give your function itself (`answer = pruning_mask`), not the mask it returns.")
        )
    _refuse_shortcut(answer, _Q2_SHORTCUTS)
    for weights, sparsity in _q2_cases():
        where = tr("For weights of shape {shape} and sparsity={sparsity}").format(
            shape=weights.shape, sparsity=sparsity
        )
        mask = answer(weights.copy(), sparsity)
        if mask is None:
            raise Incorrect(tr("Your function returns None: `return` the mask."))
        mask = np.asarray(mask)
        if mask.shape != weights.shape:
            raise Incorrect(
                tr("{where} your mask has shape {shape}; it must have the weights' shape.").format(
                    where=where, shape=mask.shape
                )
            )
        if mask.dtype.kind not in "biuf" or not np.all(np.isin(mask, (0, 1))):
            raise Incorrect(
                tr(
                    "{where} your mask holds values other than 0 (pruned) and 1 (kept): return the "
                    "mask, not the pruned weights."
                ).format(where=where)
            )
        n_zero = round(sparsity * weights.size)
        zeroed = int(np.sum(mask == 0))
        if zeroed != n_zero:
            raise Incorrect(
                tr(
                    "{where} your mask zeroes {zeroed} of {size} weights, a sparsity of "
                    "{fraction:.2f}, not {sparsity}."
                ).format(
                    where=where,
                    zeroed=zeroed,
                    size=weights.size,
                    fraction=zeroed / weights.size,
                    sparsity=sparsity,
                )
            )
        pruned, kept = np.abs(weights[mask == 0]), np.abs(weights[mask == 1])
        if len(pruned) and len(kept) and pruned.max() <= kept.min():
            continue
        if len(pruned) and len(kept) and pruned.min() >= kept.max():
            raise Incorrect(
                tr(
                    "{where} your mask prunes the *largest* weights, the ones that matter most."
                ).format(where=where)
            )
        raise Incorrect(
            tr(
                "{where} your mask prunes weights that are not the smallest by magnitude: a weight "
                "such as -0.45 is big, whatever its sign."
            ).format(where=where)
        )


def _wrong_mask(kind):
    """A ``pruning_mask`` with one typical mistake, for the tests."""

    def pruning_mask(weights, sparsity):
        if kind == "signed":
            order = np.argsort(weights, axis=None, kind="stable")
        elif kind == "largest":
            order = np.argsort(-np.abs(weights), axis=None, kind="stable")
        else:
            order = np.argsort(np.abs(weights), axis=None, kind="stable")
        n_zero = {"fixed half": weights.size // 2, "floor": int(sparsity * weights.size) - 1}.get(
            kind, round(sparsity * weights.size)
        )
        mask = np.ones(weights.size)
        mask[order[:n_zero]] = 0.0
        mask = mask.reshape(weights.shape)
        if kind == "weights":
            return weights * mask
        if kind == "flat":
            return mask.ravel()
        return mask

    return pruning_mask


def _mask_shortcut(weights, sparsity):
    """The shortcut q2 refuses: the course's own pruning (for the tests)."""
    from course_utils import efficiency

    return efficiency.magnitude_masks(weights, sparsity)


q2 = Exercise(
    N_("Exercise 2: a magnitude-pruning mask"),
    _q2_check,
    [
        N_(
            "Magnitude pruning zeroes the weights closest to 0, whatever their sign. The mask has a 0 "
            "where a weight is pruned and a 1 where it is kept, and the weights' shape."
        ),
        N_(
            "How many to zero depends on `sparsity` and `weights.size`. NumPy can list the positions "
            "of an array's values from the smallest up, over the whole array (`axis=None`)."
        ),
        N_("Still stuck? `exercises.q2.solution()` shows the course's mask."),
    ],
    _q2_solution,
    wrong_answers=[
        (lambda ctx: _wrong_mask("signed"), "whatever its sign"),
        (lambda ctx: _wrong_mask("largest"), "*largest*"),
        (lambda ctx: _wrong_mask("fixed half"), "not 0.2"),
        (lambda ctx: _wrong_mask("weights"), "not the pruned weights"),
        (lambda ctx: _wrong_mask("flat"), "weights' shape"),
        (lambda ctx: _mask_shortcut, "course's own pruning"),
        (lambda ctx: lambda weights, sparsity: None, "returns None"),
        (np.ones((3, 4)), "function itself"),
    ],
    solution_name="solution",
)


# --- q3: the global batch and the steps of an epoch ----------------------------------------------


def _q3_context():
    return {"per_replica_batch": 64, "workers": 4, "devices_per_worker": 2, "n_frames": 100_000}


def _q3_solution(per_replica_batch, workers, devices_per_worker, n_frames):
    global_batch = per_replica_batch * workers * devices_per_worker
    return global_batch, math.ceil(n_frames / global_batch)


def _q3_check(answer, per_replica_batch, workers, devices_per_worker, n_frames):
    if (
        not isinstance(answer, tuple)
        or len(answer) != 2
        or not all(is_whole_number(a) for a in answer)
    ):
        raise Incorrect(tr("Give a pair of whole numbers: `(global_batch, steps_per_epoch)`."))
    global_batch, steps = (int(a) for a in answer)
    expected_batch, expected_steps = _q3_solution(
        per_replica_batch, workers, devices_per_worker, n_frames
    )
    if global_batch == per_replica_batch:
        raise Incorrect(
            tr(
                "That is one replica's batch. Every replica of every worker takes its own batch in "
                "each step."
            )
        )
    if global_batch == per_replica_batch * workers:
        raise Incorrect(
            tr("Each worker has several devices, and each device is a replica: count them all.")
        )
    if global_batch != expected_batch:
        raise Incorrect(tr("That is not the global batch: count every replica of every worker."))
    if steps == math.ceil(n_frames / per_replica_batch):
        raise Incorrect(
            tr(
                "One step consumes a whole *global* batch, so an epoch needs fewer steps than on one "
                "device."
            )
        )
    if steps == n_frames // expected_batch and n_frames % expected_batch:
        raise Incorrect(tr("That drops the last, partial batch, which is a step too: round up."))
    if steps != expected_steps:
        raise Incorrect(
            tr(
                "The global batch is right, but that is not the number of steps one epoch takes with "
                "it."
            )
        )


q3 = Exercise(
    N_("Exercise 3: the global batch on a cluster"),
    _q3_check,
    [
        N_(
            "In synchronous data-parallel training every replica takes its own batch in each step; the "
            "step's global batch is all of them together."
        ),
        N_(
            "How many replicas does the cluster have? Each device of each worker is one. An epoch "
            "ends when every frame has been in one step's global batch; the last batch may be partial."
        ),
        N_("Still stuck? `exercises.q3.solution()` shows the count."),
    ],
    _q3_solution,
    context=_q3_context,
    wrong_answers=[
        ((64, 1563), "one replica's batch"),
        ((256, 391), "several devices"),
        ((512, 1563), "fewer steps"),
        ((512, 195), "round up"),
        ((500, 200), "not the global batch"),
        ((512, 100), "not the number of steps"),
        (512, "pair"),
    ],
    solution_name="global_batch_and_steps",
)


# --- q4 (open): 4-bit weights -----------------------------------------------------------------

#: 4-bit signed integers, symmetric: -7 ... 7.
Q4_LEVELS = 7
#: Test-SNR loss (dB) against float32 that passes. Seeds 0-2 of the course's model: one scale per
#: kernel from its largest weight loses 1.8-2.0 dB, truncating instead of rounding 2.8-3.0 dB;
#: one scale per output unit 1.1-1.4 dB.
Q4_MAX_LOSS_DB = 1.6


@functools.lru_cache(maxsize=1)
def _q4_trained():
    """The course's model (seed 0, STEPS steps on the orchestra's first 75 %) and its test frames."""
    import keras

    from .. import audio, data, models, training
    from ..settings import CODE, FRAME, HIDDEN, HOP, STEPS

    music, _ = data.load_real_clip("orchestra")
    train_raw, test_raw = data.split_in_time(music)
    scaler = audio.fit_standardizer(train_raw)
    train_audio, test_audio = (
        scaler.transform(x.reshape(-1, 1)).ravel().astype(np.float32) for x in (train_raw, test_raw)
    )
    train_frames = audio.frame_signal(train_audio, frame_length=FRAME, hop_length=HOP)
    test_frames = audio.frame_signal(test_audio, frame_length=FRAME, hop_length=FRAME, pad=True)
    keras.utils.set_random_seed(0)
    model, _, _ = models.build_dense_autoencoder(FRAME, CODE, hidden_sizes=(HIDDEN,))
    training.fit_autoencoder(model, train_frames, steps=STEPS, seed=0, progress=False)
    return model, test_frames


def _q4_context():
    _q4_trained()  # trained once, before a check's time limit starts
    return {}


def _q4_solution():
    def quantize_kernel(kernel):
        # One scale per output unit (column): each column's largest weight becomes +-7.
        scale = np.abs(kernel).max(axis=0, keepdims=True) / 7
        scale = np.where(scale > 0, scale, 1.0)  # a column of zeros stays zero
        q = np.clip(np.round(kernel / scale), -7, 7).astype(np.int8)
        return q, scale

    return quantize_kernel


def _q4_dequantized(answer, kernel):
    """The learner's (q, scale) for one kernel, checked, as float weights."""
    result = answer(np.array(kernel))
    if not isinstance(result, tuple) or len(result) != 2:
        raise Incorrect(
            tr(
                "Return a pair `(q, scale)`: the integer levels and the scale that turns them back "
                "into weights (`q * scale`)."
            )
        )
    q, scale = (np.asarray(part) for part in result)
    n_in, n_out = kernel.shape
    if q.shape != kernel.shape:
        raise Incorrect(
            tr("`q` must have the kernel's shape {shape}; yours has {shape2}.").format(
                shape=kernel.shape, shape2=q.shape
            )
        )
    if q.dtype.kind not in "iu":
        raise Incorrect(
            tr(
                "`q` holds {dtype} values; stored weights are integers. Round, then convert with "
                "`.astype(np.int8)` (4-bit values fit in an int8)."
            ).format(dtype=q.dtype)
        )
    if np.abs(q.astype(np.int64)).max() > Q4_LEVELS:
        raise Incorrect(
            tr(
                "`q` reaches {largest}; 4 bits hold -7 ... 7. Choose the scale so "
                "that the weights you keep fit, and `np.clip` the rest."
            ).format(largest=int(np.abs(q.astype(np.int64)).max()))
        )
    if scale.dtype.kind not in "fiu" or scale.shape not in {
        (),
        (1,),
        (1, 1),
        (n_out,),
        (1, n_out),
        (n_in, 1),
    }:
        raise Incorrect(
            tr(
                "`scale` has shape {shape}. Give one number for the kernel, or one per output unit "
                "(shape (1, {n_out})) or per input (shape ({n_in}, 1)); a scale per weight would "
                "store a float for every weight, no smaller than float32."
            ).format(shape=scale.shape, n_out=n_out, n_in=n_in)
        )
    if not np.all(np.isfinite(scale)):
        raise Incorrect(
            tr("`scale` holds NaN or infinite values: did a column of zeros divide by 0?")
        )
    if np.count_nonzero(q) < 0.05 * q.size:
        raise Incorrect(
            tr(
                "{percent:.0f} % of `q` is 0: the weights were rounded without a scale. "
                "Divide by a scale first, so the largest weights reach about 7."
            ).format(percent=100 * np.mean(q == 0))
        )
    return q.astype(np.float64) * scale.astype(np.float64)


def _q4_check(answer, model=None, test_frames=None):
    import keras

    from ..metrics import snr_db

    if not callable(answer):
        raise Incorrect(
            tr("Give your function itself (`answer = quantize_kernel`), not what it returns.")
        )
    if model is None or test_frames is None:
        model, test_frames = _q4_trained()
    quantized = keras.models.clone_model(model)
    quantized.set_weights(model.get_weights())
    truncates = True
    for weight in quantized.weights:
        if not weight.path.endswith("kernel"):
            continue
        kernel = np.asarray(weight)
        restored = _q4_dequantized(answer, kernel)
        weight.assign(restored.astype(np.float32))
        steps = np.abs(restored - kernel)
        truncates &= bool(np.all(np.abs(restored) <= np.abs(kernel) * (1 + 1e-5) + 1e-9)) and bool(
            np.any(steps > 0)
        )

    def snr(m):
        return snr_db(test_frames, np.asarray(m(test_frames, training=False)))

    loss = snr(model) - snr(quantized)
    if loss >= Q4_MAX_LOSS_DB:
        detail = (
            tr(
                " Every weight moved towards 0: that truncates. Round to the nearest level "
                "(`np.round`)."
            )
            if truncates
            else tr(
                " Which weights set your scale? A few large ones can leave most weights on only "
                "two or three levels."
            )
        )
        raise Incorrect(
            tr(
                "With your 4-bit kernels the test SNR is {loss:.2f} dB below float32's; not yet "
                "under {Q4_MAX_LOSS_DB} dB.{detail}"
            ).format(loss=loss, Q4_MAX_LOSS_DB=Q4_MAX_LOSS_DB, detail=detail)
        )


def _q4_one_scale(kernel):
    scale = np.abs(kernel).max() / 7
    return np.round(kernel / scale).astype(np.int8), scale


def _q4_truncating(kernel):
    scale = np.abs(kernel).max(axis=0, keepdims=True) / 7
    return np.trunc(kernel / scale).astype(np.int8), scale


q4 = Exercise(
    N_("Exercise 4 (open): 4-bit weights"),
    _q4_check,
    [
        N_(
            "Section 5 stored each weight as an 8-bit integer and a float scale. With 4 bits only the "
            "levels -7 ... 7 remain, so how you choose the scale decides which weights keep their detail."
        ),
        N_(
            "`q = round(kernel / scale)`, clipped to -7 ... 7 and stored as `np.int8`; the weights come "
            "back as `q * scale`. Try one scale for the whole kernel first, and measure."
        ),
        N_(
            "Each output unit (column of the kernel) has its own range of weights. A scale per column "
            "(`keepdims=True` keeps it a row that broadcasts). `exercises.q4.solution()` shows one way."
        ),
    ],
    _q4_solution,
    context=_q4_context,
    wrong_answers=[
        (lambda ctx: _q4_one_scale, "not yet under"),
        (lambda ctx: _q4_truncating, "truncates"),
        (lambda ctx: lambda k: (np.round(k).astype(np.int8), 1.0), "without a scale"),
        (
            lambda ctx: lambda k: (np.round(k / (np.abs(k).max() / 7)), np.abs(k).max() / 7),
            "integers",
        ),
        (
            lambda ctx: (
                lambda k: (
                    np.round(k / (np.abs(k).max() / 127)).astype(np.int8),
                    np.abs(k).max() / 127,
                )
            ),
            "-7 ... 7",
        ),
        (lambda ctx: lambda k: (np.ones(k.shape, np.int8), k), "scale per weight"),
        (lambda ctx: lambda k: np.round(k * 7), "pair"),
        (np.zeros(3), "function itself"),
    ],
    solution_name="solution",
)
