"""The codec's rate-distortion points against MP3 and Opus, on held-out music and speech.

The autoencoder here is the course's best waveform model (PCA-initialized
residual, frames of 256 samples); its code is uniformly quantized and the
bits counted with the side information (course_utils.codec). MP3 and Opus
bitrates are measured from the encoded bytes.
"""

from __future__ import annotations

FRAME = 256


def run(quick: bool = False) -> dict:
    import course_utils

    course_utils.setup_notebook(seed=0, style=False)
    import keras

    from course_utils.audio import frame_signal
    from course_utils.baselines import PCACodec, reconstruct_signal
    from course_utils.codec import kbps, lossy_codec, lossy_codec_available, quantized_roundtrip
    from course_utils.data import data_path
    from course_utils.metrics import log_spectral_distance, snr_db
    from course_utils.models import build_pca_residual_autoencoder
    from course_utils.training import fit_autoencoder

    from .codes import TRAIN_HOP, held_out_audio

    rates = {"music": 22050, "speech": 8000}
    assert data_path("music", "excerpt.wav")
    rows = []
    settings = [(32, 6)] if quick else [(16, 6), (32, 6), (32, 8), (64, 6)]
    for name, train, test in held_out_audio():
        sr = rates[name]
        train_frames = frame_signal(train, FRAME, TRAIN_HOP)
        for code_size, bits in settings:
            codec = PCACodec(code_size=code_size, frame_length=FRAME, hop_length=TRAIN_HOP).fit(train)
            keras.utils.set_random_seed(0)
            model, encoder, decoder = build_pca_residual_autoencoder(codec, scale=float(train_frames.std()))
            fit_autoencoder(model, train_frames, steps=300 if quick else 1500, batch_size=128, learning_rate=3e-4)
            for method, encode, decode in (
                ("PCA", codec.encode, codec.decode),
                ("autoencoder", lambda f, m=encoder: m.predict(f, verbose=0), lambda c, m=decoder: m.predict(c, verbose=0)),
            ):
                bits_used = [0]

                def transform(frames, encode=encode, decode=decode, bits_used=bits_used, bits=bits):
                    decoded, total = quantized_roundtrip(encode, decode, frames, bits)
                    bits_used[0] = total
                    return decoded

                estimate = reconstruct_signal(transform, test, FRAME)
                rows.append({
                    "audio": name, "method": f"{method} k={code_size} {bits}-bit",
                    "kbps": kbps(bits_used[0], len(test) / sr),
                    "snr_db": snr_db(test, estimate), "lsd_db": log_spectral_distance(test, estimate),
                })
        for codec_name in ("mp3", "opus"):
            if not lossy_codec_available(codec_name):
                continue
            for level in ((0.5,) if quick else (0.3, 0.6, 0.9)):
                estimate, rate = lossy_codec(test, sr, codec=codec_name, compression_level=level)
                rows.append({
                    "audio": name, "method": f"{codec_name.upper()} level {level}", "kbps": rate,
                    "snr_db": snr_db(test, estimate), "lsd_db": log_spectral_distance(test, estimate),
                })
        for row in rows:
            if row["audio"] == name:
                print(f"  {name} {row['method']}: {row['kbps']:.1f} kbps, SNR {row['snr_db']:.1f} dB, "
                      f"LSD {row['lsd_db']:.1f} dB", flush=True)
    return {"rows": rows, "targets": {}}
