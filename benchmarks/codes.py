"""Autoencoder against PCA at the same code size, on held-out bundled music and speech.

Frames of 256 samples, not overlapping when coded, so a code of ``k`` numbers
per frame is a compression ratio of ``256 / k`` (same bits per number).
Training frames overlap (hop 32): more examples from the same audio.
"""

from __future__ import annotations

import numpy as np

FRAME = 256
TRAIN_HOP = 32
CODE_SIZES = (8, 16, 32, 64)
QUICK_CODE_SIZES = (32,)


def held_out_audio():
    """(name, train signal, test signal): music split 75/25 in time; speech split by speaker."""
    from course_utils.data import load_music, load_spoken_digits

    music, _ = load_music()
    cut = int(0.75 * len(music))
    digits = load_spoken_digits()
    test_speaker = sorted(set(digits.speakers.tolist()))[0]
    speech_train = np.concatenate([a for a, s in zip(digits.audio, digits.speakers) if s != test_speaker])
    speech_test = np.concatenate([a for a, s in zip(digits.audio, digits.speakers) if s == test_speaker])
    return [("music", music[:cut], music[cut:]), ("speech", speech_train, speech_test)]


def compare(code_sizes=CODE_SIZES, steps: int = 1500) -> list[dict]:
    import course_utils

    course_utils.setup_notebook(seed=0, style=False)
    import keras

    from course_utils.audio import frame_signal
    from course_utils.baselines import PCACodec, reconstruct_signal
    from course_utils.metrics import snr_db
    from course_utils.models import build_dense_autoencoder, build_pca_residual_autoencoder
    from course_utils.training import fit_autoencoder

    rows = []
    for name, train, test in held_out_audio():
        train_frames = frame_signal(train, FRAME, TRAIN_HOP)
        scale = float(train_frames.std())
        for k in code_sizes:
            codec = PCACodec(code_size=k, frame_length=FRAME, hop_length=TRAIN_HOP).fit(train)
            pca_snr = snr_db(test, codec.reconstruct(test))
            keras.utils.set_random_seed(0)
            residual, _, _ = build_pca_residual_autoencoder(codec, scale=scale)
            fit_autoencoder(residual, train_frames, steps=steps, batch_size=128, learning_rate=3e-4)
            residual_snr = snr_db(test, reconstruct_signal(lambda f, m=residual: m.predict(f, verbose=0), test, FRAME))
            dense, _, _ = build_dense_autoencoder(FRAME, k, hidden_sizes=(512,))
            fit_autoencoder(dense, train_frames / scale, steps=steps, batch_size=128)
            dense_snr = snr_db(
                test, reconstruct_signal(lambda f, m=dense, s=scale: m.predict(f / s, verbose=0) * s, test, FRAME)
            )
            row = {
                "audio": name, "code_size": k, "ratio": FRAME / k,
                "pca_db": pca_snr, "dense_ae_db": dense_snr, "pca_residual_ae_db": residual_snr,
            }
            print(f"  {name} k={k}: PCA {pca_snr:.1f} dB, dense AE {dense_snr:.1f} dB, "
                  f"PCA-residual AE {residual_snr:.1f} dB", flush=True)
            rows.append(row)
    return rows


def run(quick: bool = False) -> dict:
    rows = compare(QUICK_CODE_SIZES if quick else CODE_SIZES, steps=300 if quick else 1500)
    music_ratio_8 = [r for r in rows if r["audio"] == "music" and r["ratio"] == 8]
    margin = (music_ratio_8[0]["pca_residual_ae_db"] - music_ratio_8[0]["pca_db"]) if music_ratio_8 else None
    return {
        "rows": rows,
        "music_ratio_8_margin_db": margin,
        "targets": {"best autoencoder >= PCA + 1 dB at ratio 8 on held-out music": margin is not None and margin >= 1.0},
    }
