"""The lapped autoencoders: the MDCT they start from, their sparse code, training, stored weights,
and lesson 05's convolutional autoencoder cell (the learner's ``### BEGIN SOLUTION`` region), which
must build the same model as ``course_utils.lapped.build_conv_autoencoder``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from course_utils.errors import (
    AudioFileNotFoundError,
    DatasetLayoutError,
    SettingError,
    SignalError,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "05_evaluating.ipynb"


@pytest.fixture(scope="module")
def lapped(notebook_session):
    from course_utils import lapped

    return lapped


@pytest.fixture(scope="module")
def tones():
    """Two seconds of tones that change every 0.1 s, plus a little noise (8 kHz)."""
    rng = np.random.default_rng(0)
    t = np.arange(800) / 8000
    pieces = [
        sum(np.sin(2 * np.pi * f * t + rng.uniform(0, 6)) for f in rng.uniform(100, 3000, 3))
        for _ in range(20)
    ]
    return (np.concatenate(pieces) + 0.01 * rng.normal(size=16000)).astype(np.float32)


def test_mdct_with_sine_window_reconstructs_exactly_by_overlap_add(lapped):
    hop = 32
    kernel = lapped.sine_window(hop)[:, None] * lapped.mdct_basis(hop)
    x = np.random.default_rng(1).normal(size=10 * hop).astype(np.float32)
    padded = np.pad(x, (hop, 2 * hop))
    out = np.zeros_like(padded)
    for start in range(0, len(padded) - 2 * hop + 1, hop):
        out[start : start + 2 * hop] += kernel @ (kernel.T @ padded[start : start + 2 * hop])
    np.testing.assert_allclose(out[hop : hop + len(x)], x, atol=1e-4)


def test_untrained_model_is_the_mdct_and_keeps_m_values_per_frame(lapped, tones):
    model = lapped.build_lapped_autoencoder(hop=64, m=8)
    padded = lapped._padded(tones[None, :], 64)
    code = model.encode(padded).numpy()
    assert code.shape[-1] == 64
    assert np.all((code != 0).sum(axis=-1) == 8)
    # Keeping every coefficient but one is nearly lossless: the start is the MDCT, the refinement zero.
    full = lapped.build_lapped_autoencoder(hop=64, m=63)
    from course_utils.metrics import snr_db

    assert snr_db(tones, lapped.lapped_reconstruct(full, tones)) > 30


def test_sparse_lapped_code_beats_pca_with_the_same_count_of_numbers(lapped, tones):
    from course_utils.baselines import PCACodec
    from course_utils.metrics import snr_db

    train, test = tones[:12000], tones[12000:]
    pca = PCACodec(code_size=16, frame_length=64, hop_length=16).fit(train)
    model = lapped.build_lapped_autoencoder(hop=64, m=8)
    assert (
        snr_db(test, lapped.lapped_reconstruct(model, test))
        > snr_db(test, pca.reconstruct(test)) + 1.0
    )


def test_training_lowers_the_error_and_is_seeded(lapped, tones):
    from course_utils.metrics import snr_db

    first = lapped.build_lapped_autoencoder(hop=64, m=8, seed=1)
    before = snr_db(tones, lapped.lapped_reconstruct(first, tones))
    lapped.train_lapped(
        first, [tones], steps=40, batch_size=8, crop_hops=8, learning_rate=3e-3, seed=1
    )
    assert snr_db(tones, lapped.lapped_reconstruct(first, tones)) > before
    second = lapped.build_lapped_autoencoder(hop=64, m=8, seed=1)
    lapped.train_lapped(
        second, [tones], steps=40, batch_size=8, crop_hops=8, learning_rate=3e-3, seed=1
    )
    for a, b in zip(first.weights, second.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)


def test_training_on_audio_with_digital_silence_stays_finite(lapped, tones):
    # LibriSpeech reader 3235 holds 0.87 s of exact zeros: whole crops of them once gave the
    # refinement's frame RMS a NaN gradient, and the trained model decoded silence.
    from course_utils.metrics import snr_db

    signal = np.concatenate([tones[:8000], np.zeros(8000, np.float32), tones[8000:]])
    model = lapped.build_lapped_autoencoder(hop=64, m=8, seed=0)
    lapped.train_lapped(model, [signal], steps=60, seed=0, crop_hops=8)
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert snr_db(tones, lapped.lapped_reconstruct(model, tones)) > 5.0


def test_conv_autoencoder_trains_from_a_random_start(lapped, tones):
    from course_utils.metrics import snr_db

    model, encoder, _ = lapped.build_conv_autoencoder(hop=64, code_size=8, hidden=32, seed=0)
    assert encoder(np.zeros((1, 640, 1), np.float32)).shape == (1, 9, 8)
    before = snr_db(tones, lapped.lapped_reconstruct(model, tones))
    lapped.train_lapped(
        model, [tones], steps=60, batch_size=8, crop_hops=8, learning_rate=3e-3, seed=0
    )
    assert snr_db(tones, lapped.lapped_reconstruct(model, tones)) > before + 1.0


def test_bad_input_gets_a_clear_error(lapped, tones):
    with pytest.raises(SettingError, match="must be smaller than hop"):
        lapped.build_conv_autoencoder(hop=64, code_size=64)
    with pytest.raises(SettingError, match="m must be between"):
        lapped.build_lapped_autoencoder(hop=64, m=64)
    with pytest.raises(SignalError, match="one signal at a time"):
        lapped.lapped_reconstruct(
            lapped.build_lapped_autoencoder(hop=64, m=8), np.zeros((2, 100), np.float32)
        )
    with pytest.raises(SignalError, match="NaN"):
        lapped.lapped_reconstruct(
            lapped.build_lapped_autoencoder(hop=64, m=8), np.full(100, np.nan, np.float32)
        )
    with pytest.raises(SignalError, match="at least"):
        lapped.train_lapped(lapped.build_lapped_autoencoder(hop=64, m=8), [tones[:100]], steps=1)


def test_prior_code_bits_gives_known_bits_for_a_known_distribution(lapped):
    # Column 0 counted as 3/4 symbol 0, 1/4 symbol 1 (smoothing 0.5 over 2 symbols: 3.5/5, 1.5/5);
    # column 1 always 1 (0.5/5 and 4.5/5).
    train = np.array([[0, 1], [0, 1], [0, 1], [1, 1]])
    test = np.array([[0, 1], [1, 0]])
    p = {(0, 0): 3.5 / 5, (0, 1): 1.5 / 5, (1, 0): 0.5 / 5, (1, 1): 4.5 / 5}
    expected = -np.mean([np.log2(p[0, 0]) + np.log2(p[1, 1]), np.log2(p[0, 1]) + np.log2(p[1, 0])])
    assert lapped.prior_code_bits(train, test, 2) == pytest.approx(expected)
    # A uniform training distribution costs exactly log2(n) bits a symbol.
    uniform = np.arange(8).reshape(-1, 1)
    assert lapped.prior_code_bits(uniform, uniform, 8) == pytest.approx(3.0)
    # A symbol never seen in training costs finitely many bits, more than a seen one.
    seen_only = np.zeros((100, 1), np.int64)
    unseen = lapped.prior_code_bits(seen_only, np.full((1, 1), 3), 4)
    assert np.isfinite(unseen) and unseen > lapped.prior_code_bits(seen_only, seen_only[:1], 4)
    assert unseen == pytest.approx(-np.log2(0.5 / (100 + 4 * 0.5)))


def test_prior_code_bits_refuses_bad_input(lapped):
    ok = np.zeros((4, 2), np.int64)
    with pytest.raises(SignalError, match="outside 0 to 3"):
        lapped.prior_code_bits(ok, np.full((1, 2), 4), 4)
    with pytest.raises(SignalError, match="whole numbers"):
        lapped.prior_code_bits(ok, ok + 0.5, 4)
    with pytest.raises(SignalError, match="columns"):
        lapped.prior_code_bits(ok, np.zeros((1, 3), np.int64), 4)
    with pytest.raises(SignalError, match="2-D"):
        lapped.prior_code_bits(ok, np.zeros(3, np.int64), 4)
    with pytest.raises(SettingError, match="smoothing"):
        lapped.prior_code_bits(ok, ok, 4, smoothing=0)
    with pytest.raises(SettingError, match="n_symbols"):
        lapped.prior_code_bits(ok, ok, 0)


def test_value_prior_saves_bits_where_values_are_predictable(lapped, tones):
    model = lapped.build_lapped_autoencoder(hop=64, m=8)
    fixed, modelled = lapped.value_bits(model, tones[:8000], tones[8000:], bits=6)
    assert fixed == 8 * 6
    assert 0 < modelled < fixed  # the tones' values are far from uniform over the levels
    # The saving is learned from the training audio: a prior counted on other sound saves less.
    noise = np.random.default_rng(1).normal(size=8000).astype(np.float32)
    _, from_noise = lapped.value_bits(model, noise, tones[8000:], bits=6)
    assert from_noise > modelled
    with pytest.raises(SignalError, match="LappedAutoencoder"):
        lapped.value_bits(lapped.build_conv_autoencoder(hop=64, code_size=8), tones, tones)
    with pytest.raises(SettingError, match="bits"):
        lapped.value_bits(model, tones[:8000], tones[8000:], bits=0)


@pytest.mark.parametrize("m", [16, 25])
def test_a_range_coder_reaches_the_priors_ideal_code_lengths(lapped, m):
    """Lesson 07 counts the learned priors' bits as ideal code lengths (-log2 p). A real entropy
    coder (constriction's range coder) must store the orchestra's held-out positions and values
    in at most that many bits plus a few words per clip, and decode them exactly; 16 and 25 are
    the coefficients a frame keeps with uniform codes and with the priors (lesson 07). Measured:
    93,280 bits stored for 93,249 ideal (m=16), 140,512 for 140,459 (m=25)."""
    constriction = pytest.importorskip("constriction")
    from course_utils.data import data_dir, load_real_clip, split_in_time

    music, _ = load_real_clip("orchestra")
    train, test = split_in_time(music)
    model = lapped.load_lapped_autoencoder(data_dir() / "weights" / "lapped_music.npz")
    train_coefficients, test_coefficients = (lapped._analysed(model, x) for x in (train, test))
    frames = len(test_coefficients)

    p, kept = lapped._position_prior(train_coefficients, test_coefficients, m)
    train_levels, test_levels = lapped._value_levels(train_coefficients, test_coefficients, m, 6)
    value_probabilities = lapped._symbol_probabilities(train_levels, 64)
    # What lesson 07 counts: the mean bits per frame, times the frames.
    ideal = frames * (
        lapped._position_bits(train_coefficients, test_coefficients, m)[1]
        + lapped._value_bits(train_coefficients, test_coefficients, m, 6)[1]
    )

    family = constriction.stream.model.Categorical(perfect=False)
    position_table = np.broadcast_to(np.stack([1 - p, p], axis=1), (*kept.shape, 2))
    value_table = np.broadcast_to(value_probabilities, (*test_levels.shape, 64))
    symbols = [kept.astype(np.int32).ravel(), test_levels.astype(np.int32).ravel()]
    tables = [position_table.reshape(-1, 2), value_table.reshape(-1, 64)]
    encoder = constriction.stream.queue.RangeEncoder()
    for symbol, table in zip(symbols, tables):
        encoder.encode(symbol, family, np.ascontiguousarray(table, dtype=np.float64))
    stored = encoder.get_compressed()
    stored_bits = 32 * len(stored)
    assert ideal - 1 <= stored_bits <= ideal + 0.001 * ideal + 128, (stored_bits, ideal)
    decoder = constriction.stream.queue.RangeDecoder(stored)
    for symbol, table in zip(symbols, tables):
        decoded = decoder.decode(family, np.ascontiguousarray(table, dtype=np.float64))
        np.testing.assert_array_equal(decoded, symbol)


def test_widest_code_within_spends_the_saved_bits_on_more_coefficients(lapped, tones):
    from course_utils.metrics import snr_db

    model = lapped.build_lapped_autoencoder(hop=64, m=8)
    train, test = tones[:8000], tones[8000:]
    uniform = model.m * (6 + 6)  # 8 positions of log2(64) = 6 bits and 8 values of 6 bits
    wider = lapped.widest_code_within(model, train, test, 6, uniform)
    assert wider.m > model.m  # the priors save bits, which buy more coefficients
    for a, b in zip(wider.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)  # the same model otherwise

    def cost(m):
        probe = lapped.build_lapped_autoencoder(hop=64, m=m)
        n_frames = -(-len(test) // 64) + 1
        return (
            lapped.position_bits(probe, train, test)[1]
            + lapped.value_bits(probe, train, test, 6)[1]
            + 2 * m * 32 / n_frames
        )

    assert cost(wider.m) <= uniform < cost(wider.m + 1)  # the widest that fits, not one more
    y_wide, _ = lapped.lapped_quantized_roundtrip(wider, test, 6)
    y_narrow, _ = lapped.lapped_quantized_roundtrip(model, test, 6)
    assert snr_db(test, y_wide) > snr_db(test, y_narrow)
    with pytest.raises(SettingError, match="Not even one coefficient"):
        lapped.widest_code_within(model, train, test, 6, 1.0)
    with pytest.raises(SettingError, match="frame_bits"):
        lapped.widest_code_within(model, train, test, 6, -5)


def test_saved_weights_round_trip_and_a_changed_file_is_refused(lapped, tones, tmp_path):
    model = lapped.build_lapped_autoencoder(hop=64, m=8)
    lapped.train_lapped(model, [tones], steps=5, batch_size=4, crop_hops=4, seed=0)
    path = lapped.save_lapped_weights(model, tmp_path / "lapped.npz", note="test")
    loaded = lapped.load_lapped_autoencoder(path)
    np.testing.assert_allclose(
        lapped.lapped_reconstruct(loaded, tones), lapped.lapped_reconstruct(model, tones), atol=1e-5
    )
    assert loaded.training_record["note"] == "test"
    with pytest.raises(FileExistsError):
        lapped.save_lapped_weights(model, path)
    record = json.loads(path.with_suffix(".json").read_text())
    record["sha256"] = "0" * 64
    path.with_suffix(".json").write_text(json.dumps(record))
    with pytest.raises(DatasetLayoutError, match="SHA-256"):
        lapped.load_lapped_autoencoder(path)
    with pytest.raises(AudioFileNotFoundError, match="make weights"):
        lapped.load_lapped_autoencoder(tmp_path / "missing.npz")


@pytest.mark.parametrize("name", ["music", "speech", "speech8k"])
def test_bundled_weights_load_and_record_their_held_out_scores(lapped, name):
    from course_utils.data import data_dir

    model = lapped.load_lapped_autoencoder(data_dir() / "weights" / f"lapped_{name}.npz")
    record = model.training_record
    assert model.hop == 256 and model.m == 16
    assert record["snr_db_mdct_start"] > record["snr_db_pca_32"]
    assert len(record["snr_db_trained_seeds"]) == len(record["seeds"])


# --- lesson 05's learner-written cell and the library are the same model ---------------------------


def solution_cell() -> str:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    sources = [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in cells
        if c["cell_type"] == "code"
    ]
    found = [s for s in sources if "### BEGIN SOLUTION" in s and "def build_conv_autoencoder" in s]
    assert len(found) == 1, (
        "lesson 05 must have one cell defining build_conv_autoencoder with a solution region"
    )
    return found[0]


def test_the_learners_region_is_about_twenty_lines():
    source = solution_cell()
    region = source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
    lines = [
        line for line in region.splitlines() if line.strip() and not line.strip().startswith("#")
    ]
    assert 6 <= len(lines) <= 24, len(lines)
    assert "Conv1D(" in region and "strides=" in region and "Conv1DTranspose(" in region


def test_lesson_cell_builds_the_library_model(lapped):
    from types import SimpleNamespace

    import keras

    from course_utils.exercises import lesson05

    checked = []
    namespace = {
        "keras": keras,
        "CODE": 32,
        "HIDDEN": 256,
        "exercises": SimpleNamespace(
            q5=SimpleNamespace(check=lambda answer, **kw: checked.append(answer) or True)
        ),
        "lapped": lapped,
    }
    exec(compile(solution_cell(), f"{NOTEBOOK.name}[build_conv_autoencoder]", "exec"), namespace)
    assert checked == [namespace["build_conv_autoencoder"]], "the cell checks the learner's builder"
    lesson_models = namespace["build_conv_autoencoder"](hop=64, code_size=8, hidden=16, seed=3)
    library_models = lapped.build_conv_autoencoder(hop=64, code_size=8, hidden=16, seed=3)
    solution_models = lesson05.q5.solve()(hop=64, code_size=8, hidden=16, seed=3)
    x = np.random.default_rng(0).normal(size=(1, 640, 1)).astype(np.float32)
    for ours, theirs in [
        *zip(lesson_models, library_models),
        *zip(solution_models, library_models),
    ]:
        assert [type(layer).__name__ for layer in ours.layers] == [
            type(layer).__name__ for layer in theirs.layers
        ]
        assert ours.count_params() == theirs.count_params()
        for a, b in zip(ours.get_weights(), theirs.get_weights()):
            np.testing.assert_array_equal(a, b)
    for models in (lesson_models, solution_models):
        np.testing.assert_allclose(models[0](x).numpy(), library_models[0](x).numpy(), atol=1e-6)


def test_training_shows_its_progress_only_where_asked(lapped, tones, capsys):
    """#23 item 5: lesson 05's conv autoencoder trains for seconds; a line counts its steps."""
    model = lapped.build_lapped_autoencoder(hop=64, m=8, seed=0)
    loss = lapped.train_lapped(model, [tones], steps=5, batch_size=4, crop_hops=4, progress=True)
    # Outside a notebook only the end line is printed, with the loss the function returns.
    assert capsys.readouterr().out == f"trained [{'#' * 24}] 5/5 steps, loss {loss:.4g}\n"
    lapped.train_lapped(
        model, [tones], steps=5, batch_size=4, crop_hops=4
    )  # default: notebooks only
    lapped.train_lapped(model, [tones], steps=5, batch_size=4, crop_hops=4, progress=False)
    assert capsys.readouterr().out == ""
