"""What training the lapped autoencoder adds, and what its learned priors add, on held-out audio (#20).

    python scripts/measure_lapped.py                          # seeds 0, 1, 2, bundled held-out audio
    python scripts/measure_lapped.py --music-dir DIR --speech-dir DIR   # also your own recordings
    python scripts/measure_lapped.py --json build/lapped_gains.json

The lapped autoencoder is trained as ``scripts/make_weights.py`` trains it
(MDCT start; windows, gains and refinement trained, LAPPED_STEPS steps), once per
seed: music on the jazz combo, the trumpet and the orchestra's first 75 %; speech
on the female reader at 16 kHz. Each model is judged on audio it never trained on:
the orchestra's last 25 %, LibriSpeech reader 78 (``data.HELD_OUT_READER``), and
every recording in ``--music-dir`` / ``--speech-dir`` (resampled; for example
readers and music that are not in the repository).

Reported per recording and seed, in dB SNR:

- ``pca``: PCA with 32 numbers per 256 samples (the same count of numbers);
- ``start`` and ``trained``: the lapped model before and after training, unquantized;
- at equal bits, the values quantized to BITS bits and 16 x (8 + BITS) bits a frame:
  ``start_uniform`` / ``trained_uniform`` (positions at 8 bits, values at BITS bits), and
  ``start_prior`` / ``trained_prior`` (positions and values coded with the priors
  counted on the training audio; the bits they save keep more coefficients,
  ``lapped.widest_code_within``; ``*_kept`` is how many).

What training the transform adds is ``trained - start`` (and ``trained_uniform -
start_uniform`` at equal bits); what the learned prior adds is ``start_prior -
start_uniform``; the two together ``trained_prior - start_uniform``. About 5 minutes
of CPU (six trainings). ``benchmarks/lapped_gains.json`` holds a run with recordings that
are not in the repository (its ``outside_recordings`` says which).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")
BITS = 6


def _folder(path, sr: int) -> dict:
    from course_utils.audio import load_audio
    from course_utils.errors import DatasetLayoutError

    files = sorted(p for p in Path(path).iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
    if not files:
        raise DatasetLayoutError(f"{path} holds no .wav, .flac or .ogg files.")
    return {p.stem: load_audio(p, sr=sr)[0] for p in files}


def measure(seeds=None, music_dir=None, speech_dir=None) -> dict:
    import course_utils

    course_utils.setup_notebook(seed=0, style=False)
    from make_weights import LAPPED, LAPPED_STEPS, TRAIN_HOP

    from course_utils import lapped
    from course_utils.baselines import PCACodec
    from course_utils.data import HELD_OUT_READER, load_reader, load_real_clip, split_in_time
    from course_utils.metrics import snr_db
    from course_utils.settings import FRAME, SEEDS

    seeds = SEEDS if seeds is None else seeds

    orchestra, music_sr = load_real_clip("orchestra")
    train_part, tail = split_in_time(orchestra)
    speech_sr = 16000
    sets = {
        "music": (
            [train_part, load_real_clip("jazz")[0], load_real_clip("trumpet")[0]],
            {"orchestra tail": tail},
            music_sr,
        ),
        "speech": (
            [load_real_clip("speech_female", sr=speech_sr)[0]],
            {f"reader {HELD_OUT_READER}": load_reader(HELD_OUT_READER, sr=speech_sr)[0]},
            speech_sr,
        ),
    }
    if music_dir:
        sets["music"][1].update(_folder(music_dir, music_sr))
    if speech_dir:
        sets["speech"][1].update(_folder(speech_dir, speech_sr))
    results = {"bits": BITS, "steps": LAPPED_STEPS, "seeds": list(seeds), "rows": []}
    for name, (training_audio, tests, _) in sets.items():
        everything = np.concatenate(training_audio)  # the priors are counted on all of it
        pca = PCACodec(code_size=2 * LAPPED["m"], frame_length=FRAME, hop_length=TRAIN_HOP).fit(
            training_audio[0]
        )
        budget = LAPPED["m"] * (np.log2(LAPPED["hop"]) + BITS)
        for seed in seeds:
            model = lapped.build_lapped_autoencoder(**LAPPED, seed=seed)
            before = {}
            for test_name, test in tests.items():
                before[test_name] = _scores(lapped, snr_db, model, everything, test, budget)
            lapped.train_lapped(model, training_audio, steps=LAPPED_STEPS, seed=seed)
            for test_name, test in tests.items():
                after = _scores(lapped, snr_db, model, everything, test, budget)
                row = {"set": name, "test": test_name, "seed": seed}
                row["pca"] = snr_db(test, pca.reconstruct(test))
                row.update({f"start{k}": v for k, v in before[test_name].items()})
                row.update({f"trained{k}": v for k, v in after.items()})
                results["rows"].append(row)
                print(
                    f"{name:6s} {test_name:24s} seed {seed}: PCA {row['pca']:5.2f}, start "
                    f"{row['start']:5.2f}, trained {row['trained']:5.2f} | {BITS} bits: start "
                    f"uniform {row['start_uniform']:5.2f}, start+prior {row['start_prior']:5.2f} "
                    f"({row['start_kept']}), trained uniform {row['trained_uniform']:5.2f}, "
                    f"trained+prior {row['trained_prior']:5.2f} ({row['trained_kept']})",
                    flush=True,
                )
    return results


def _scores(lapped, snr_db, model, train, test, budget) -> dict:
    wider = lapped.widest_code_within(model, train, test, BITS, budget)
    return {
        "": snr_db(test, lapped.lapped_reconstruct(model, test)),
        "_uniform": snr_db(test, lapped.lapped_quantized_roundtrip(model, test, BITS)[0]),
        "_prior": snr_db(test, lapped.lapped_quantized_roundtrip(wider, test, BITS)[0]),
        "_kept": int(wider.m),
    }


def summary(results: dict) -> str:
    """Per recording: the mean over seeds and each seed's value of every difference."""
    lines = []
    tests = dict.fromkeys((r["set"], r["test"]) for r in results["rows"])
    for key in tests:
        rows = [r for r in results["rows"] if (r["set"], r["test"]) == key]
        diffs = {
            "trained - start": [r["trained"] - r["start"] for r in rows],
            "trained - PCA": [r["trained"] - r["pca"] for r in rows],
            f"{BITS} bits, trained - start (uniform codes)": [
                r["trained_uniform"] - r["start_uniform"] for r in rows
            ],
            f"{BITS} bits, prior on the start": [
                r["start_prior"] - r["start_uniform"] for r in rows
            ],
            f"{BITS} bits, trained+prior - start uniform": [
                r["trained_prior"] - r["start_uniform"] for r in rows
            ],
            f"{BITS} bits, trained+prior - start+prior": [
                r["trained_prior"] - r["start_prior"] for r in rows
            ],
        }
        lines.append(
            f"{key[0]} / {key[1]}: PCA {rows[0]['pca']:.2f}, start {rows[0]['start']:.2f}, "
            f"trained {np.mean([r['trained'] for r in rows]):.2f} dB"
        )
        for label, values in diffs.items():
            lines.append(
                f"  {label:44s} mean {np.mean(values):+.3f}  seeds "
                + " ".join(f"{v:+.3f}" for v in values)
            )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", help="default: the course's SEEDS")
    parser.add_argument("--music-dir", help="also judge on every recording in this folder")
    parser.add_argument("--speech-dir", help="also judge on every recording in this folder")
    parser.add_argument("--json", type=Path, help="write every row here")
    args = parser.parse_args(argv)
    results = measure(args.seeds and tuple(args.seeds), args.music_dir, args.speech_dir)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))
    print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
