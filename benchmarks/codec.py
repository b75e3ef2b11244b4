"""Rate and distortion of the course's codecs against MP3 and Opus, on held-out real music and speech.

The autoencoder here is the course's best waveform model (PCA-initialized
residual, frames of 256 samples); its code is uniformly quantized and the
bits counted with the side information (course_utils.codec). MP3 and Opus
bitrates are measured from the encoded bytes, at their lowest usable rates
(about 8 to 40 kbps), so every method has points in the same range.
The real clips' sources were Ogg Vorbis files: they were lossy-coded once
before any codec here saw them.
"""

from __future__ import annotations

from course_utils.settings import FRAME

LOSSY_LEVELS = (0.8, 0.9, 0.95, 0.99)  # about 40, 24, 16 and 8 kbps for MP3


def run(quick: bool = False) -> dict:
    import course_utils

    course_utils.setup_notebook(seed=0, style=False)
    import keras

    from course_utils.audio import frame_signal, overlap_add
    from course_utils.baselines import PCACodec
    from course_utils.codec import kbps, lossy_codec, lossy_codec_available, quantized_roundtrip
    from course_utils.metrics import log_spectral_distance, snr_db
    from course_utils.models import build_pca_residual_autoencoder
    from course_utils.sparse import (
        build_ksparse_autoencoder,
        ksparse_quantized_roundtrip,
        train_ksparse_autoencoder,
    )
    from course_utils.training import fit_autoencoder

    from .codes import TRAIN_HOP, held_out_audio

    rows = []
    settings = [(32, 6)] if quick else [(16, 6), (32, 6), (32, 8), (64, 6)]
    for name, train, test, sr in held_out_audio():
        train_frames = frame_signal(train, FRAME, TRAIN_HOP)
        for code_size, bits in settings:
            codec = PCACodec(code_size=code_size, frame_length=FRAME, hop_length=TRAIN_HOP).fit(
                train
            )
            keras.utils.set_random_seed(0)
            model, encoder, decoder = build_pca_residual_autoencoder(
                codec, scale=float(train_frames.std())
            )
            fit_autoencoder(
                model,
                train_frames,
                steps=300 if quick else 1500,
                batch_size=128,
                learning_rate=3e-4,
            )
            # k-sparse at equal bits: its 8-bit positions cost what 8-bit values would, so
            # its values get 2 * bits - 8 bits (k/2 values + k/2 positions = k numbers at `bits`).
            sparse = build_ksparse_autoencoder(train_frames, m=code_size // 2)
            train_ksparse_autoencoder(sparse, train_frames, steps=300 if quick else 1500)
            frames = frame_signal(test, FRAME, FRAME, pad=True)
            decoded, total_bits = ksparse_quantized_roundtrip(sparse, frames, bits=2 * bits - 8)
            estimate = overlap_add(decoded, FRAME, length=len(test))
            rows.append(
                {
                    "audio": name,
                    "method": f"k-sparse autoencoder k={code_size} {bits}-bit",
                    "kbps": kbps(total_bits, len(test) / sr),
                    "snr_db": snr_db(test, estimate),
                    "lsd_db": log_spectral_distance(test, estimate),
                }
            )
            for method, encode, decode in (
                ("PCA", codec.encode, codec.decode),
                (
                    "autoencoder",
                    lambda f, m=encoder: m.predict(f, verbose=0),
                    lambda c, m=decoder: m.predict(c, verbose=0),
                ),
            ):
                frames = frame_signal(test, FRAME, FRAME, pad=True)  # coded once, not overlapping
                decoded, total_bits = quantized_roundtrip(encode, decode, frames, bits)
                estimate = overlap_add(decoded, FRAME, length=len(test))
                rows.append(
                    {
                        "audio": name,
                        "method": f"{method} k={code_size} {bits}-bit",
                        "kbps": kbps(total_bits, len(test) / sr),
                        "snr_db": snr_db(test, estimate),
                        "lsd_db": log_spectral_distance(test, estimate),
                    }
                )
        for codec_name in ("mp3", "opus"):
            if not lossy_codec_available(codec_name):
                continue
            for level in (0.95,) if quick else LOSSY_LEVELS:
                estimate, rate = lossy_codec(test, sr, codec=codec_name, compression_level=level)
                rows.append(
                    {
                        "audio": name,
                        "method": f"{codec_name.upper()} level {level}",
                        "kbps": rate,
                        "snr_db": snr_db(test, estimate),
                        "lsd_db": log_spectral_distance(test, estimate),
                    }
                )
        for row in rows:
            if row["audio"] == name:
                print(
                    f"  {name} {row['method']}: {row['kbps']:.1f} kbps, SNR {row['snr_db']:.1f} dB, "
                    f"LSD {row['lsd_db']:.1f} dB",
                    flush=True,
                )
    return {
        "rows": rows,
        "targets": {},
        "note": "Real recordings, held out (music: last 25 % of the orchestra clip; speech: an unseen "
        "reader). The sources were Ogg Vorbis, already lossy-coded once.",
    }


def plot_rate_distortion(rows, path) -> None:
    """SNR and log-spectral distance against kbps, one panel pair per audio set, saved as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    audios = sorted({row["audio"] for row in rows})
    fig, axes = plt.subplots(len(audios), 2, figsize=(10, 3.6 * len(audios)), squeeze=False)
    for line, audio in zip(axes, audios):
        mine = [row for row in rows if row["audio"] == audio]
        for family in ("PCA", "autoencoder", "k-sparse", "MP3", "OPUS"):
            points = sorted(
                (row["kbps"], row["snr_db"], row["lsd_db"])
                for row in mine
                if row["method"].startswith(family)
            )
            if points:
                rate, snr, lsd = zip(*points)
                line[0].plot(rate, snr, "o-", label=family)
                line[1].plot(rate, lsd, "o-", label=family)
        line[0].set(title=f"{audio}: SNR (higher is better)", xlabel="kbps", ylabel="dB")
        line[1].set(
            title=f"{audio}: log-spectral distance (lower is better)", xlabel="kbps", ylabel="dB"
        )
        line[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
