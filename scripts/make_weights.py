"""Train the course's k-sparse autoencoder once and write its weights to data/weights/.

    python scripts/make_weights.py            # or: make weights

The notebooks load these weights instead of training for minutes: the
learner still trains a small model live, and compares it with this one.
Training data: all the bundled real music except the held-out part, that is
the jazz combo, the trumpet and the first 75 % of the string orchestra (the
last 25 % is what lessons 05 and 07 and the benchmark judge on). 2,000 steps
of 128 frames take about 20 s on 2 idle cores. The run is seeded: the same
versions give the same numbers; the .json beside the weights records the
SHA-256 the notebooks check, with the versions and the SNR reached.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_utils.settings import FRAME

ROOT = Path(__file__).resolve().parent.parent
TRAIN_HOP, M, TRAIN_STEPS = 32, 16, 2000  # the k-sparse model's own training, not the course's model


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "weights" / "ksparse_music.npz")
    parser.add_argument("--steps", type=int, default=TRAIN_STEPS)
    args = parser.parse_args(argv)

    import course_utils

    course_utils.setup_notebook(seed=0, style=False)
    import importlib.metadata

    import numpy as np

    from course_utils.audio import frame_signal
    from course_utils.baselines import PCACodec, reconstruct_signal
    from course_utils.data import load_real_clip, split_in_time
    from course_utils.metrics import snr_db
    from course_utils.sparse import (
        build_ksparse_autoencoder,
        save_ksparse_weights,
        train_ksparse_autoencoder,
    )

    orchestra, _ = load_real_clip("orchestra")
    train_part, held_out = split_in_time(orchestra)
    training = [load_real_clip("jazz")[0], load_real_clip("trumpet")[0], train_part]
    frames = np.concatenate([frame_signal(x, FRAME, TRAIN_HOP) for x in training])
    model = build_ksparse_autoencoder(frames, m=M)
    start_snr = snr_db(held_out, reconstruct_signal(lambda f: model(f).numpy(), held_out, FRAME))
    loss = train_ksparse_autoencoder(model, frames, steps=args.steps)
    trained_snr = snr_db(held_out, reconstruct_signal(lambda f: model(f).numpy(), held_out, FRAME))
    pca = PCACodec(code_size=2 * M, frame_length=FRAME, hop_length=TRAIN_HOP).fit(np.concatenate(training))
    pca_snr = snr_db(held_out, pca.reconstruct(held_out))
    versions = {}
    for name in ("tensorflow-cpu", "tensorflow", "keras", "numpy"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    save_ksparse_weights(
        model, args.out, overwrite=True, steps=args.steps, batch_size=128, learning_rate=1e-4,
        training_audio="jazz, trumpet, orchestra first 75 %", final_loss=round(loss, 5),
        held_out="orchestra last 25 %", snr_db_dct_start=round(start_snr, 2),
        snr_db_trained=round(trained_snr, 2), snr_db_pca_32=round(pca_snr, 2), versions=versions,
    )
    _update_manifest([args.out, args.out.with_suffix(".json")])
    print(f"held-out orchestra: PCA-32 {pca_snr:.2f} dB, k-sparse at the DCT start {start_snr:.2f} dB, "
          f"trained {trained_snr:.2f} dB; weights in {args.out}")
    return 0


def _update_manifest(paths) -> None:
    """Renew the weights' SHA-256 in data/manifest.csv (the doctor checks them) and record the manifest."""
    import csv
    import hashlib

    from course_utils import data

    folder = data._bundled_folder()
    if not all(Path(p).resolve().is_relative_to(folder) for p in paths):
        return  # weights written elsewhere (--out) are not part of the bundled data
    manifest = folder / "manifest.csv"
    with open(manifest, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    digests = {Path(p).resolve().relative_to(folder).as_posix(): hashlib.sha256(Path(p).read_bytes()).hexdigest()
               for p in paths}
    for row in rows:
        if row["path"] in digests:
            row["sha256"] = digests.pop(row["path"])
    for relative, digest in digests.items():
        rows.append({**dict.fromkeys(columns, ""), "path": relative, "kind": "weights",
                     "label": Path(relative).stem, "sha256": digest})
    rows.sort(key=lambda row: row["path"])
    with open(manifest, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    data.record_manifest()


if __name__ == "__main__":
    sys.exit(main())
