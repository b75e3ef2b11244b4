"""Autoencoder against PCA at the same code size, on held-out real music and real speech.

Frames of 256 samples, not overlapping when coded, so a code of ``k`` numbers
per frame is a compression ratio of ``256 / k`` (same bits per number).
Training frames overlap (hop 32): more examples from the same audio.
The k-sparse autoencoder (course_utils.sparse) sends k/2 values and their k/2
positions per frame: the same count of numbers, and at 8 bits the same bits.
The lapped models (course_utils.lapped) code frames of 512 samples every 256
(half overlap) and overlap-add them: ``k`` numbers per 256 new samples, the same
ratio. The convolutional autoencoder starts at random and has a dense code; the
lapped autoencoder starts as the MDCT with a top-``k/2`` code (values and
positions) and trains its windows, gains and refinement. A model with a
non-random start also reports its SNR before training (``<model>_untrained_db``):
what training earned is measured against it, on the held-out audio.

Real music: the bundled string-orchestra clip, its first 75 % trains and the
last 25 % is held out in time. Real speech: the bundled female reader
(``speech_female``) trains and LibriSpeech reader 78 (``data.HELD_OUT_READER``,
the lessons' unseen reader) is held out; the capstone's scored reader
(``capstone.HIDDEN_CLIP``) is never used here. The synthetic music excerpt is
an extra, labelled row (full mode only): the course's conclusions were once
tuned on it, and the contrast shows how much easier synthetic sound is.
"""

from __future__ import annotations

from course_utils.settings import FRAME

TRAIN_HOP = 32
CODE_SIZES = (8, 16, 32, 64)
QUICK_CODE_SIZES = (32,)


REAL_MUSIC = "orchestra"
SPEECH_TRAIN = "speech_female"


def folder_audio(folder, sr: int):
    """Every recording in ``folder`` (WAV, FLAC, OGG), resampled to ``sr`` and joined end to end.

    Recordings that are not in the repository (``--music-dir``, ``--speech-dir``): the models
    train on the bundled training audio and are judged on all of the folder.
    """
    from pathlib import Path

    import numpy as np

    from course_utils.audio import load_audio
    from course_utils.errors import DatasetLayoutError

    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetLayoutError(f"'{folder}' is not a folder. Pass a folder of recordings.")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".wav", ".flac", ".ogg"))
    if not files:
        raise DatasetLayoutError(
            f"'{folder}' holds no WAV, FLAC or OGG recordings. Put some in it."
        )
    return np.concatenate([load_audio(p, sr=sr)[0] for p in files]).astype(np.float32)


def held_out_audio(synthetic: bool = False, music_dir=None, speech_dir=None):
    """(name, train signal, test signal, sample rate): real music split 75/25 in time, real
    speech split by reader; with ``synthetic=True`` also the synthetic excerpt, labelled;
    with ``music_dir`` / ``speech_dir`` also those folders' recordings, judged after
    training on the same bundled audio (rows named ``music: <folder>``, ``speech: <folder>``)."""
    from pathlib import Path

    from course_utils.data import (
        HELD_OUT_READER,
        load_music,
        load_reader,
        load_real_clip,
        split_in_time,
    )

    music, music_sr = load_real_clip(REAL_MUSIC)
    music_train, music_test = split_in_time(music)
    speech_train, speech_sr = load_real_clip(SPEECH_TRAIN)
    speech_test, _ = load_reader(HELD_OUT_READER, sr=speech_sr)
    sets = [
        ("music", music_train, music_test, music_sr),
        ("speech", speech_train, speech_test, speech_sr),
    ]
    if synthetic:
        excerpt, excerpt_sr = load_music()
        sets.append(("synthetic music", *split_in_time(excerpt), excerpt_sr))
    if music_dir:
        test = folder_audio(music_dir, music_sr)
        sets.append((f"music: {Path(music_dir).name}", music_train, test, music_sr))
    if speech_dir:
        test = folder_audio(speech_dir, speech_sr)
        sets.append((f"speech: {Path(speech_dir).name}", speech_train, test, speech_sr))
    return sets


def compare(
    code_sizes=CODE_SIZES,
    steps: int = 1500,
    synthetic: bool = False,
    music_dir=None,
    speech_dir=None,
) -> list[dict]:
    import course_utils

    course_utils.setup_notebook(seed=0, style=False)
    import keras

    from course_utils.audio import frame_signal
    from course_utils.baselines import PCACodec, reconstruct_signal
    from course_utils.lapped import (
        build_conv_autoencoder,
        build_lapped_autoencoder,
        lapped_reconstruct,
        train_lapped,
    )
    from course_utils.metrics import snr_db
    from course_utils.models import build_dense_autoencoder, build_pca_residual_autoencoder
    from course_utils.sparse import build_ksparse_autoencoder, train_ksparse_autoencoder
    from course_utils.training import fit_autoencoder

    rows = []
    for name, train, test, _ in held_out_audio(synthetic, music_dir, speech_dir):
        train_frames = frame_signal(train, FRAME, TRAIN_HOP)
        scale = float(train_frames.std())
        for k in code_sizes:
            codec = PCACodec(code_size=k, frame_length=FRAME, hop_length=TRAIN_HOP).fit(train)
            pca_snr = snr_db(test, codec.reconstruct(test))
            keras.utils.set_random_seed(0)
            residual, _, _ = build_pca_residual_autoencoder(codec, scale=scale)
            fit_autoencoder(residual, train_frames, steps=steps, batch_size=128, learning_rate=3e-4)
            residual_snr = snr_db(
                test, reconstruct_signal(lambda f, m=residual: m.predict(f, verbose=0), test, FRAME)
            )
            dense, _, _ = build_dense_autoencoder(FRAME, k, hidden_sizes=(512,))
            fit_autoencoder(dense, train_frames / scale, steps=steps, batch_size=128)
            dense_snr = snr_db(
                test,
                reconstruct_signal(
                    lambda f, m=dense, s=scale: m.predict(f / s, verbose=0) * s, test, FRAME
                ),
            )
            # k-sparse: k/2 values and k/2 positions per frame, the same count of numbers.
            sparse = build_ksparse_autoencoder(train_frames, m=k // 2)
            sparse_start = snr_db(
                test, reconstruct_signal(lambda f, m=sparse: m(f).numpy(), test, FRAME)
            )
            train_ksparse_autoencoder(sparse, train_frames, steps=steps)
            sparse_snr = snr_db(
                test, reconstruct_signal(lambda f, m=sparse: m(f).numpy(), test, FRAME)
            )
            # Lapped models: frames of 2 * FRAME every FRAME samples, k numbers per FRAME new samples.
            conv, _, _ = build_conv_autoencoder(FRAME, k, seed=0)
            train_lapped(conv, [train / scale], steps=steps, seed=0)
            conv_snr = snr_db(test, lapped_reconstruct(conv, test / scale) * scale)
            lapped_model = build_lapped_autoencoder(FRAME, m=k // 2, seed=0)
            lapped_start = snr_db(test, lapped_reconstruct(lapped_model, test))
            train_lapped(lapped_model, [train], steps=steps, seed=0)
            lapped_snr = snr_db(test, lapped_reconstruct(lapped_model, test))
            row = {
                "audio": name,
                "code_size": k,
                "ratio": FRAME / k,
                "pca_db": pca_snr,
                "dense_ae_db": dense_snr,
                "pca_residual_ae_db": residual_snr,
                "pca_residual_ae_untrained_db": pca_snr,  # its residual branch starts at zero: PCA
                "ksparse_ae_db": sparse_snr,
                "ksparse_ae_untrained_db": sparse_start,
                "conv_ae_db": conv_snr,
                "lapped_ae_db": lapped_snr,
                "lapped_ae_untrained_db": lapped_start,
            }
            print(
                f"  {name} k={k}: PCA {pca_snr:.1f} dB, dense AE {dense_snr:.1f} dB, "
                f"PCA-residual AE {residual_snr:.1f} dB, k-sparse AE {sparse_snr:.1f} dB (start {sparse_start:.1f}), "
                f"conv AE {conv_snr:.1f} dB, lapped AE {lapped_snr:.1f} dB (MDCT start {lapped_start:.1f})",
                flush=True,
            )
            rows.append(row)
    return rows


def best_margin(rows, audio: str, ratio: float = 8):
    """The best autoencoder's SNR minus PCA's, in dB, for one audio set at one ratio (None if absent)."""
    row = next((r for r in rows if r["audio"] == audio and r["ratio"] == ratio), None)
    if row is None:
        return None
    return max(value for key, value in row.items() if key.endswith("_ae_db")) - row["pca_db"]


def _at_ratio_8(rows, audio: str):
    return next((r for r in rows if r["audio"] == audio and r["ratio"] == 8), None)


def run(quick: bool = False, music_dir=None, speech_dir=None) -> dict:
    from course_utils.data import HELD_OUT_READER

    rows = compare(
        QUICK_CODE_SIZES if quick else CODE_SIZES,
        steps=300 if quick else 1500,
        synthetic=not quick,
        music_dir=music_dir,
        speech_dir=speech_dir,
    )
    music, speech = best_margin(rows, "music"), best_margin(rows, "speech")
    music_8, speech_8 = _at_ratio_8(rows, "music"), _at_ratio_8(rows, "speech")
    return {
        "rows": rows,
        "note": (
            f"Held out: the last 25 % of the real '{REAL_MUSIC}' clip (music) and the reader "
            f"{HELD_OUT_READER} (speech, trained on '{SPEECH_TRAIN}'). Margins at ratio 8: "
            f"music {music:+.1f} dB, speech {speech:+.1f} dB (best autoencoder minus PCA)."
        ),
        "music_ratio_8_margin_db": music,
        "speech_ratio_8_margin_db": speech,
        "targets": {
            "best autoencoder >= PCA + 1 dB at ratio 8 on held-out real music": music is not None
            and music >= 1.0,
            "best autoencoder >= PCA at ratio 8 on held-out real speech": speech is not None
            and speech >= 0.0,
            "lapped autoencoder >= 12.0 dB at ratio 8 on the orchestra's held-out tail (#20)": music_8
            is not None
            and music_8["lapped_ae_db"] >= 12.0,
            "lapped autoencoder >= PCA + 3 dB at ratio 8 on the unseen reader (#20)": speech_8
            is not None
            and speech_8["lapped_ae_db"] >= speech_8["pca_db"] + 3.0,
            "trained lapped autoencoder >= its MDCT start + 0.5 dB on held-out music and speech (#20)": music_8
            is not None
            and speech_8 is not None
            and all(
                r["lapped_ae_db"] >= r["lapped_ae_untrained_db"] + 0.5 for r in (music_8, speech_8)
            ),
        },
    }
