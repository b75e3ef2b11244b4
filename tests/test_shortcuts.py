"""Every exercise that asks the learner to write what a course function already does refuses the
shortcut of calling that function, however the learner reaches it (#23 item 2).

The learner's code is written to a file and imported, as a notebook cell is: a from-import (under
the function's own name or an alias) binds the course's function object to a global of the learner,
which the module swap the checks used to rely on never touches. Each case is refused with the
exercise's reason; a learner's own function that merely shares the course function's *name* is
not; the solution still passes.
"""

from __future__ import annotations

import importlib.util
import itertools
import textwrap

import pytest

from course_utils.exercises import (
    _core,
    lesson05,
    lesson06,
    lesson07,
    lesson08,
    lesson09,
    lesson10,
    lesson11,
    lesson12,
)

_COUNTER = itertools.count()


@pytest.fixture
def learner(tmp_path):
    """``learner(source)``: the module a learner's cell defines (its source readable, as in IPython)."""

    def load(source):
        path = tmp_path / f"learner_cell_{next(_COUNTER)}.py"
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


def _verdict(exercise, answer, capsys) -> tuple[bool, str]:
    exercise._hints_shown = 0
    passed = bool(exercise.check(answer, **exercise.context()))
    return passed, capsys.readouterr().out


# (id, exercise, the learner's cell: it from-imports the course's function and defines `answer`,
#  a fragment of the exercise's reason)
FROM_IMPORTS = [
    (
        "05.q1",
        lesson05.q1,
        """
        from course_utils.data import split_in_time as course_split

        def split_for_evaluation(signal):
            return course_split(signal)

        answer = split_for_evaluation
        """,
        "does the split for you",
    ),
    (
        "05.q2",
        lesson05.q2,
        """
        from course_utils.metrics import snr_db as course_snr

        def snr_by_hand(reference, estimate):
            return course_snr(reference, estimate)

        answer = snr_by_hand
        """,
        "computes the SNR for you",
    ),
    (
        "06.q4",
        lesson06.q4,
        """
        from course_utils.models import build_dense_autoencoder as ready_made
        from course_utils.settings import CODE, FRAME

        def build_deep(seed):
            return ready_made(FRAME, CODE, hidden_sizes=(64,) * 6)[0]

        answer = build_deep
        """,
        "already holds section 6's fix",
    ),
    (
        "07.compress",
        lesson07.compress,
        """
        from course_utils.codec import quantized_roundtrip

        def compress(encode, decode, frames, bits, seconds):
            decoded = quantized_roundtrip(encode, decode, frames, bits)
            n_frames, code_size = encode(frames).shape
            return decoded, (n_frames * code_size * bits + 2 * code_size * 32) / seconds / 1000

        answer = compress
        """,
        "does the whole codec for you",
    ),
    (
        "08.q1",
        lesson08.q1,
        """
        from course_utils.denoising import mix_at_snr

        def mix(speech, noise, snr_db):
            return mix_at_snr(speech, noise[: len(speech)], snr_db)[0]

        answer = mix
        """,
        "calls `denoising.mix_at_snr`",
    ),
    (
        "08.q2",
        lesson08.q2,
        """
        from course_utils.denoising import si_sdr as course_si_sdr

        def si_sdr(reference, estimate):
            return course_si_sdr(reference, estimate)

        answer = si_sdr
        """,
        "calls `denoising.si_sdr`",
    ),
    (
        "08.q3",
        lesson08.q3,
        """
        from course_utils.denoising import spectral_subtraction as subtract, wiener_filter

        def spectral_subtraction(noisy, floor=0.05):
            return subtract(noisy, floor=floor)

        def wiener(noisy, floor=0.1):
            return wiener_filter(noisy, floor=floor)

        answer = (spectral_subtraction, wiener)
        """,
        "`denoising.wiener_filter`",
    ),
    (
        "08.q4",
        lesson08.q4,
        """
        from course_utils.denoising import build_mask_model as course_builder

        def build_mask_model(input_width, bins, hidden=256):
            return course_builder(bins=bins)

        answer = build_mask_model
        """,
        "calls `denoising.build_mask_model`",
    ),
    (
        "09.q2",
        lesson09.q2,
        """
        import numpy as np
        from sklearn.metrics import roc_auc_score as ready_made

        def auc_by_pairs(normal_scores, abnormal_scores):
            labels = np.r_[np.zeros(len(normal_scores)), np.ones(len(abnormal_scores))]
            return float(ready_made(labels, np.r_[normal_scores, abnormal_scores]))

        answer = auc_by_pairs
        """,
        "calls scikit-learn's `roc_auc_score`",
    ),
    (
        "10.encoder",
        lesson10.encoder,
        """
        from course_utils.code_features import train_patch_autoencoder as whole_job

        def train_code_encoder(train_patches, code_size=128, steps=400, seed=0):
            return whole_job(train_patches, code_size=code_size, steps=steps, seed=seed)[1]

        answer = train_code_encoder
        """,
        "hands the whole job to",
    ),
    (
        "11.q2",
        lesson11.q2,
        """
        from course_utils.synthesis import interpolate_codes as course_walk

        def walk(code_a, code_b, steps):
            return course_walk(code_a, code_b, steps)

        answer = walk
        """,
        "course's own walk",
    ),
    (
        "11.q3",
        lesson11.q3,
        """
        from course_utils.synthesis import _reparameterize as draw

        def reparameterize(z_mean, z_log_var, seed_generator):
            return draw(z_mean, z_log_var, seed_generator)

        answer = reparameterize
        """,
        "course's own sampling",
    ),
    (
        "11.q4",
        lesson11.q4,
        """
        from course_utils.synthesis import _kl_divergence as course_kl

        def kl_divergence(z_mean, z_log_var):
            return course_kl(z_mean, z_log_var)

        answer = kl_divergence
        """,
        "course's own KL term",
    ),
    (
        "12.q1",
        lesson12.q1,
        """
        from course_utils.efficiency import count_dense_flops as count

        def flops_per_frame(model):
            return count(model)

        answer = flops_per_frame
        """,
        "course's own count",
    ),
    (
        "12.q2",
        lesson12.q2,
        """
        import numpy as np
        from course_utils.efficiency import magnitude_masks as masks

        def pruning_mask(weights, sparsity):
            return np.asarray(masks(weights, sparsity))

        answer = pruning_mask
        """,
        "course's own pruning",
    ),
]


@pytest.mark.parametrize(
    "exercise, cell, reason", [pytest.param(*case[1:], id=case[0]) for case in FROM_IMPORTS]
)
def test_a_from_imported_shortcut_is_refused_with_the_reason(
    exercise, cell, reason, learner, capsys
):
    passed, shown = _verdict(exercise, learner(cell).answer, capsys)
    assert not passed and reason in shown, shown


# Lesson 07's codec, reaching the course's quantized_roundtrip every other way a learner might.
ROUTES_07 = {
    "module alias": """
        import course_utils.codec as c

        def compress(encode, decode, frames, bits, seconds):
            decoded = c.quantized_roundtrip(encode, decode, frames, bits)
            return decoded, 1.0
        """,
    "a global bound before the check": """
        import course_utils.codec as c

        f = c.quantized_roundtrip

        def compress(encode, decode, frames, bits, seconds):
            return f(encode, decode, frames, bits), 1.0
        """,
    "a closure": """
        def make():
            from course_utils.codec import quantized_roundtrip as roundtrip

            def compress(encode, decode, frames, bits, seconds):
                return roundtrip(encode, decode, frames, bits), 1.0

            return compress

        compress = make()
        """,
    "a default argument": """
        from course_utils import codec

        def compress(encode, decode, frames, bits, seconds, roundtrip=codec.quantized_roundtrip):
            return roundtrip(encode, decode, frames, bits), 1.0
        """,
    "a helper of the learner's": """
        from course_utils.codec.bits import quantized_roundtrip

        def helper(encode, decode, frames, bits):
            return quantized_roundtrip(encode, decode, frames, bits)

        def compress(encode, decode, frames, bits, seconds):
            return helper(encode, decode, frames, bits), 1.0
        """,
    "the course's function itself": """
        from course_utils.codec import quantized_roundtrip as compress
        """,
}


@pytest.mark.parametrize("route", list(ROUTES_07))
def test_lesson07_refuses_the_course_codec_however_it_is_reached(route, learner, capsys):
    passed, shown = _verdict(lesson07.compress, learner(ROUTES_07[route]).compress, capsys)
    assert not passed and "does the whole codec for you" in shown, shown


# A learner's own function that shares the course function's name is the learner's work.
OWN_NAMESAKES = [
    (
        "07.compress",
        lesson07.compress,
        """
        import numpy as np
        from course_utils import codec

        def quantized_roundtrip(encode, decode, frames, bits):  # the learner's own, same name
            integers, ranges = codec.quantize(encode(frames), bits)
            return decode(codec.dequantize(integers, ranges, bits))

        def compress(encode, decode, frames, bits, seconds):
            decoded = quantized_roundtrip(encode, decode, frames, bits)
            n_frames, code_size = encode(frames).shape
            return decoded, (n_frames * code_size * bits + 2 * code_size * 32) / seconds / 1000

        answer = compress
        """,
    ),
    (
        "05.q2",
        lesson05.q2,
        """
        import numpy as np

        def snr_db(reference, estimate):  # the learner's own, same name as metrics.snr_db
            return 10 * np.log10(np.sum(reference**2) / np.sum((reference - estimate) ** 2))

        def snr_by_hand(reference, estimate):
            return snr_db(reference, estimate)

        answer = snr_by_hand
        """,
    ),
    (
        "11.q2",
        lesson11.q2,
        """
        import numpy as np

        def interpolate_codes(code_a, code_b, steps):  # the learner's own, same name
            t = np.linspace(0.0, 1.0, steps)[:, None]
            return (1 - t) * code_a + t * code_b

        def walk(code_a, code_b, steps):
            return interpolate_codes(code_a, code_b, steps)

        answer = walk
        """,
    ),
]


@pytest.mark.parametrize(
    "exercise, cell", [pytest.param(*case[1:], id=case[0]) for case in OWN_NAMESAKES]
)
def test_a_learners_own_function_with_the_course_functions_name_passes(
    exercise, cell, learner, capsys
):
    passed, shown = _verdict(exercise, learner(cell).answer, capsys)
    assert passed, shown


#: The exercises whose solution is quick to check here (the others: tests/test_exercises.py).
QUICK = [
    "05.q1",
    "05.q2",
    "07.compress",
    "08.q1",
    "08.q2",
    "09.q2",
    "11.q2",
    "11.q4",
    "12.q1",
    "12.q2",
]


@pytest.mark.parametrize(
    "exercise", [pytest.param(case[1], id=case[0]) for case in FROM_IMPORTS if case[0] in QUICK]
)
def test_the_solution_still_passes(exercise, capsys):
    context = exercise.context()
    passed, shown = _verdict(exercise, exercise.solve(**context), capsys)
    assert passed, shown


def test_every_refusing_exercise_is_tested_here():
    """A new ``_refusing(...)`` or ``_refuse_shortcut(...)`` in a lesson's checks gets a case above."""
    import inspect

    modules = [lesson05, lesson06, lesson07, lesson08, lesson09, lesson10, lesson11, lesson12]
    refusing = {m.__name__[-2:] for m in modules if "_refus" in inspect.getsource(m)}
    tested = {case[0].split(".")[0] for case in FROM_IMPORTS}
    assert refusing <= tested, refusing - tested
    assert not hasattr(lesson05, "_Shortcut") and not hasattr(lesson07, "_NoShortcut")
    assert not hasattr(_core, "_calls_to") and not hasattr(lesson10, "_watching_whole_function")
    assert callable(_core._refusing) and callable(_core._refuse_shortcut)
