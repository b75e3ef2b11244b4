"""course_utils.denoising and the denoising benchmark part: mixing, SI-SDR, the classical enhancers,
the mask model's pipeline, the shipped weights, denoise() and the benchmark on folders."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import soundfile

from course_utils import denoising as dn
from course_utils.errors import (
    AudioFileError,
    DatasetLayoutError,
    SettingError,
    SignalError,
    SilentSignalError,
)

RNG = np.random.default_rng(0)


@pytest.fixture(scope="module")
def held_out():
    return dn.load_reader(dn.TEST_READERS[1])[: 4 * dn.RATE], dn.load_noise("tap", "test")


def test_split_keeps_readers_and_noise_types_apart():
    assert set(dn.reader_ids("test")) == set(dn.TEST_READERS)
    assert (
        not set(dn.reader_ids("train")) & set(dn.TEST_READERS) and len(dn.reader_ids("train")) == 22
    )
    assert not set(dn.TRAINED_NOISES) & set(dn.UNSEEN_NOISES) and len(dn.UNSEEN_NOISES) >= 3
    whole, train, test = (
        dn.load_noise("rain"),
        dn.load_noise("rain", "train"),
        dn.load_noise("rain", "test"),
    )
    assert len(train) + len(test) == len(whole) and np.array_equal(
        np.concatenate([train, test]), whole
    )
    with pytest.raises(SettingError, match="split"):
        dn.reader_ids("validation")


@pytest.mark.parametrize("snr", [-5.0, 0.0, 5.0, 12.5])
def test_mix_at_snr_reaches_the_snr(held_out, snr):
    speech, noise = held_out
    mixture, scaled = dn.mix_at_snr(speech, noise, snr)
    assert mixture.shape == speech.shape
    assert np.allclose(mixture - speech, scaled, atol=1e-6)
    assert (
        abs(
            10 * np.log10(np.mean(speech.astype(float) ** 2) / np.mean(scaled.astype(float) ** 2))
            - snr
        )
        < 0.01
    )


def test_short_noise_is_looped_with_a_crossfade_not_a_click():
    t = np.arange(1000) / dn.RATE
    noise = np.sin(2 * np.pi * 50 * t)  # ends away from zero: a hard join would jump
    looped = dn.loop_noise(noise, 3500, crossfade=100)
    assert len(looped) == 3500
    assert np.max(np.abs(np.diff(looped))) < 2 * np.max(np.abs(np.diff(noise))) + 0.05
    hard = np.concatenate([noise] * 4)[:3500]
    assert np.max(np.abs(np.diff(hard))) > np.max(np.abs(np.diff(looped)))


def test_mixing_silence_is_a_course_error(held_out):
    speech, noise = held_out
    with pytest.raises(SilentSignalError, match="speech is silent"):
        dn.mix_at_snr(np.zeros(1000), noise, 0)
    with pytest.raises(SilentSignalError, match="noise is silent"):
        dn.mix_at_snr(speech, np.zeros(1000), 0)


def test_si_sdr_is_scale_invariant_and_known():
    s = RNG.normal(size=4000)
    e = RNG.normal(size=4000)
    e -= np.dot(e, s) / np.dot(s, s) * s  # orthogonal to s
    e *= np.linalg.norm(s) / np.linalg.norm(e) / 10  # 20 dB below
    assert abs(dn.si_sdr(s, s + e) - 20.0) < 1e-6
    assert abs(dn.si_sdr(s, 0.3 * (s + e)) - 20.0) < 1e-6
    with pytest.raises(SignalError, match="same length"):
        dn.si_sdr(s, s[:-1])
    with pytest.raises(SilentSignalError):
        dn.si_sdr(np.zeros(10), np.ones(10))


def test_classical_enhancers_help_on_a_stationary_noise(held_out):
    speech, noise = held_out
    noisy, _ = dn.mix_at_snr(speech, noise, 0.0)
    base = dn.si_sdr(speech, noisy)
    for method in (dn.spectral_subtraction, dn.wiener_filter):
        out = method(noisy)
        assert out.shape == noisy.shape and dn.si_sdr(speech, out) > base + 1.0


def test_features_ignore_the_level_and_stack_context():
    x = RNG.normal(size=8000).astype(np.float32)
    spectrum = dn._spectrum(x)
    feats = dn.noisy_features(spectrum, context=2)
    assert feats.shape == (spectrum.shape[1], 5 * spectrum.shape[0])
    assert (
        np.mean(np.abs(feats - dn.noisy_features(dn._spectrum(10 * x), context=2))) < 1e-3
    )  # EPS aside
    b = spectrum.shape[0]
    assert np.array_equal(
        feats[5, 2 * b : 3 * b], feats[3, 4 * b : 5 * b]
    )  # frame 5, seen from rows 5 and 3


def test_training_pairs_are_seeded(held_out):
    speech, noise = held_out
    first = [
        next(iter(dn.training_pairs([speech], [noise], seed=3, batch_clips=2)))[i].numpy()
        for i in range(3)
    ]
    again = [
        next(iter(dn.training_pairs([speech], [noise], seed=3, batch_clips=2)))[i].numpy()
        for i in range(3)
    ]
    other = next(iter(dn.training_pairs([speech], [noise], seed=4, batch_clips=2)))[0].numpy()
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert first[0].shape[1] == (2 * dn.CONTEXT + 1) * (dn.N_FFT // 2 + 1)
    assert not np.array_equal(first[0], other)


def test_a_few_training_steps_lower_the_loss(held_out):
    speech, noise = held_out
    model = dn.build_mask_model(hidden=32, seed=0)
    losses = dn.train_mask_model(
        model, dn.training_pairs([speech], [noise], seed=0, batch_clips=4), steps=30
    )
    assert np.mean(losses[-5:]) < np.mean(losses[:5])
    out = dn.apply_mask_model(model, speech[:5000])
    assert out.shape == (5000,)


def test_training_shows_its_progress_only_where_asked(held_out, capsys):
    """#23 item 5: lesson 08's live model trains for about 20 s; a line counts its steps."""
    speech, noise = held_out
    model = dn.build_mask_model(hidden=8, seed=0)
    pairs = dn.training_pairs([speech], [noise], seed=0, batch_clips=2)
    losses = dn.train_mask_model(model, pairs, steps=3, progress=True)
    # Outside a notebook only the end line is printed, with the last step's loss.
    assert capsys.readouterr().out == f"trained [{'#' * 24}] 3/3 steps, loss {losses[-1]:.4g}\n"
    dn.train_mask_model(model, pairs, steps=3)  # the default: shown in a notebook only
    dn.train_mask_model(model, pairs, steps=3, progress=False)
    assert capsys.readouterr().out == ""


def test_the_denoiser_never_trains_on_the_capstones_scored_reader():
    """#23 item 8: no lesson loads the capstone's hidden reader, so lesson 08's training speech
    (its live model, exercise 5, make weights) leaves it out, and the shipped model's record says so."""
    from course_utils import capstone
    from course_utils.data import load_real_clip

    hidden, _ = load_real_clip(capstone.HIDDEN_CLIP, sr=dn.RATE)
    clips = dn.training_speech()
    assert len(clips) == len(dn.reader_ids("train")) + 1  # the readers and speech_female
    assert not any(len(c) == len(hidden) and np.allclose(c, hidden) for c in clips)
    _, record = dn.load_denoiser()
    assert capstone.HIDDEN_CLIP not in record["training_audio"]
    assert "speech_female" in record["training_audio"]
    assert record["training_cpu_s"] > 0  # recorded; its size is the training machine's


def test_shipped_denoiser_is_checked_and_beats_the_noisy_input(held_out, tmp_path):
    model, record = dn.load_denoiser()
    assert record["context"] == dn.CONTEXT and record["steps"] >= 500
    speech, _ = held_out
    noisy, _ = dn.mix_at_snr(speech, dn.load_noise("crickets"), 0.0)
    assert dn.si_sdr(speech, dn.apply_mask_model(model, noisy)) > dn.si_sdr(speech, noisy) + 1.0
    from course_utils.data import data_dir

    source = data_dir().joinpath(*dn.WEIGHTS)
    copy = tmp_path / "denoiser.npz"
    shutil.copyfile(source, copy)
    shutil.copyfile(source.with_suffix(".json"), copy.with_suffix(".json"))
    with open(copy, "ab") as handle:
        handle.write(b"x")
    with pytest.raises(DatasetLayoutError, match="SHA-256"):
        dn.load_denoiser(copy)


def test_stored_seed_scores_are_what_make_weights_writes():
    """Lesson 08's claims over seeds read data/weights/denoiser_seeds.json: it must hold every
    seed of SEEDS, trained for the script's DENOISER_STEPS, scored like the shipped model, with
    seed 0's scores those of the shipped weights, and be listed in the manifest with its SHA-256."""
    import hashlib
    import importlib.util
    from pathlib import Path

    from course_utils import data
    from course_utils.settings import SEEDS

    script = Path(__file__).resolve().parent.parent / "scripts" / "make_weights.py"
    spec = importlib.util.spec_from_file_location("make_weights", script)
    make_weights = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_weights)
    path = data.data_dir() / "weights" / "denoiser_seeds.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    _, shipped = dn.load_denoiser()
    assert stored["steps"] == make_weights.DENOISER_STEPS == shipped["steps"]
    assert list(stored["seeds"]) == [str(s) for s in SEEDS]
    assert stored["seeds"][str(SEEDS[0])] == shipped["scores"]  # seed 0 is the shipped model
    methods = (
        "noisy",
        "spectral subtraction",
        "Wiener gain",
        "noisereduce",
        "denoising autoencoder",
    )
    for scores in stored["seeds"].values():
        for group, names, count in (
            ("trained", dn.TRAINED_NOISES, 48),
            ("unseen", dn.UNSEEN_NOISES, 24),
        ):
            assert set(scores[group]) == {
                f"{m} @ {snr:+.0f} dB" for m in methods for snr in dn.SNRS_DB
            }
            assert all(entry["count"] == count for entry in scores[group].values())
            assert all(0 < entry["stoi"] < 1 for entry in scores[group].values())
            assert set(scores[f"{group} per noise"]) == {
                f"{m} / {n}" for m in methods for n in names
            }
    row = next(r for r in data.load_manifest() if r["path"] == "weights/denoiser_seeds.json")
    assert row["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_denoise_gains_as_much_at_another_rate_as_at_16_khz(held_out):
    """A recording at 22.05 kHz of the same noisy speech: denoise() resamples it so the model
    sees the whole band up to 8 kHz, as in training. With soxr's filters (which cut about 9 %
    below 8 kHz) the gain fell from 6.95 to 1.52 dB on this clip."""
    import librosa

    speech, _ = held_out
    clean = speech
    noisy, _ = dn.mix_at_snr(clean, dn.load_noise("crickets")[: len(clean)], 0.0)
    model, _ = dn.load_denoiser()
    gain_16k = dn.si_sdr(clean, dn.apply_mask_model(model, noisy)) - dn.si_sdr(clean, noisy)
    # A band-limited recording at 22.05 kHz (all of it below 8 kHz, as any 16 kHz source is).
    clean_22k, noisy_22k = (
        librosa.resample(y=x, orig_sr=dn.RATE, target_sr=22050, res_type="fft")
        for x in (clean, noisy)
    )
    denoised = dn.denoise(noisy_22k, 22050)
    gain_22k = dn.si_sdr(clean_22k, denoised) - dn.si_sdr(clean_22k, noisy_22k)
    assert gain_16k > 5, gain_16k
    assert abs(gain_22k - gain_16k) < 0.5, (gain_22k, gain_16k)


def test_denoise_keeps_rate_and_length_and_refuses_bad_clips(held_out):
    speech, _ = held_out
    noisy, _ = dn.mix_at_snr(speech, dn.load_noise("crickets"), 0.0)
    import librosa

    at_44k = librosa.resample(y=noisy, orig_sr=dn.RATE, target_sr=44100)
    out = dn.denoise(at_44k, 44100)
    assert out.shape == at_44k.shape and out.dtype == np.float32
    with pytest.raises(SignalError, match="shorter than the model's context"):
        dn.denoise(noisy[:300], dn.RATE)
    with pytest.raises(SilentSignalError, match="silent"):
        dn.denoise(np.zeros(20000, dtype=np.float32), dn.RATE)
    with pytest.raises(SettingError, match="sample_rate"):
        dn.denoise(noisy, 0)


# ---------------------------------------------------------------- the benchmark part


def _folders(tmp_path, held_out):
    speech, noise = held_out
    speech_dir, noise_dir = tmp_path / "speech", tmp_path / "noise"
    speech_dir.mkdir()
    noise_dir.mkdir()
    import librosa

    at_22k = librosa.resample(y=speech[: int(4.2 * dn.RATE)], orig_sr=dn.RATE, target_sr=22050)
    soundfile.write(
        speech_dir / "me.wav", np.stack([at_22k, 0.5 * at_22k], axis=1), 22050
    )  # stereo
    soundfile.write(noise_dir / "hum.flac", noise[: dn.RATE], dn.RATE, format="FLAC")  # 1 s: looped
    return speech_dir, noise_dir


def test_benchmark_on_folders_writes_rows_and_nothing_else(tmp_path, held_out, capsys):
    from benchmarks.__main__ import main

    speech_dir, noise_dir = _folders(tmp_path, held_out)
    out = tmp_path / "out.json"
    before = set(tmp_path.rglob("*"))
    assert (
        main(
            [
                "--only",
                "denoising",
                "--quick",
                "--speech-dir",
                str(speech_dir),
                "--noise-dir",
                str(noise_dir),
                "--json",
                str(out),
            ]
        )
        == 0
    )
    assert set(tmp_path.rglob("*")) - before == {out}
    part = json.loads(out.read_text())["parts"]["denoising"]
    rows = part["rows"]
    assert {r["kind"] for r in rows} == {"none", "classical", "autoencoder"}
    assert {r["input_snr_db"] for r in rows} == {-5.0, 0.0, 5.0}
    for row in rows:
        assert {
            "method",
            "kind",
            "input_snr_db",
            "si_sdr_db",
            "si_sdr_improvement_db",
            "stoi",
            "pesq",
        } <= set(row)
        if row["kind"] == "none":
            assert (
                abs(row["si_sdr_improvement_db"]) < 1e-9
                and abs(row["si_sdr_db"] - row["input_snr_db"]) < 1.0
            )
    assert "looped" in part["note"] and "hum.flac" in part["note"]
    assert "looped" in capsys.readouterr().out


@pytest.mark.parametrize(
    "problem, error, words",
    [
        ("empty", DatasetLayoutError, "is empty"),
        ("text", AudioFileError, "could not be read as audio"),
        ("short", SignalError, "shorter than the model's context"),
        ("silent", SilentSignalError, "is silent"),
    ],
)
def test_benchmark_folders_with_problems_get_course_errors(tmp_path, problem, error, words):
    from benchmarks.denoising import load_folder

    folder = tmp_path / "clips"
    folder.mkdir()
    if problem == "text":
        (folder / "notes.wav").write_text("not audio")
    elif problem == "short":
        soundfile.write(folder / "blip.wav", RNG.normal(size=200) * 0.1, dn.RATE)
    elif problem == "silent":
        soundfile.write(
            folder / "quiet.ogg", np.zeros(dn.RATE), dn.RATE, format="OGG", subtype="VORBIS"
        )
    with pytest.raises(error, match=words):
        load_folder(folder, "speech")
