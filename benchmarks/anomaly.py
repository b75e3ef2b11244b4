"""Anomaly detection on machine sounds (the DCASE Task 2 setting), as in 09_anomaly_detection.

Trains on a seeded half of the normal clips of one machine (the bundled MIMII
fan, or any folder with ``normal/`` and ``abnormal/`` given by
``--machine-dir``), tests on the other normal clips and every abnormal clip,
and reports per detector its AUC, partial AUC (false-positive rate at most
0.1), a bootstrap 95 % interval of the AUC and the clip counts. The full
mode averages the numbers over five seeded halves; the quick mode uses one
half and a shorter training. The autoencoder is the DCASE 2020 baseline's
dense model (course_utils.anomaly.build_anomaly_autoencoder); the baselines
are PCA reconstruction error and a Gaussian on each clip's mean log-mel.
"""

from __future__ import annotations

AUC_TARGET = 0.65
KINDS = {
    "autoencoder": "autoencoder",
    "autoencoder + Gaussian on band errors": "autoencoder",
    "PCA": "baseline",
    "Gaussian": "baseline",
}


def run(quick: bool = False, machine_dir: str | None = None) -> dict:
    import numpy as np

    import course_utils

    course_utils.setup_notebook(seed=0, style=False)
    from course_utils import anomaly

    sounds = anomaly.load_machine_sounds(machine_dir)
    source = "bundled MIMII fan id 00" if machine_dir is None else f"folder {machine_dir}"
    n_train = len(sounds.normal) // 2
    seeds = range(1) if quick else range(5)
    results = anomaly.evaluate(
        sounds, seeds=seeds, epochs=10 if quick else 30, n_train=n_train, methods=tuple(KINDS)
    )
    rows = []
    for method, kind in KINDS.items():
        mine = [r for r in results if r.method == method]
        rows.append(
            {
                "method": method,
                "kind": kind,
                "auc": float(np.mean([r.auc for r in mine])),
                "pauc": float(np.mean([r.pauc for r in mine])),
                "auc_low": float(np.mean([r.auc_low for r in mine])),
                "auc_high": float(np.mean([r.auc_high for r in mine])),
                "n_train": n_train,
                "n_test_normal": len(sounds.normal) - n_train,
                "n_test_abnormal": len(sounds.abnormal),
            }
        )
    by = {row["method"]: row for row in rows}
    return {
        "rows": rows,
        "note": (
            f"{source}: {len(sounds.normal)} normal and {len(sounds.abnormal)} abnormal clips at {sounds.sr} Hz; "
            f"{'one seeded half' if quick else 'mean over 5 seeded halves'} of the normal clips trains, the rest "
            "and every abnormal clip test. pAUC: the ROC area at false-positive rates up to 0.1, standardized "
            "as scikit-learn and the DCASE 2020 baseline do (chance 0.5). auc_low/auc_high: bootstrap 95 % interval of the AUC (resampled test clips)."
        ),
        "targets": {
            f"autoencoder AUC >= PCA's ({source})": by["autoencoder"]["auc"] >= by["PCA"]["auc"],
            f"autoencoder AUC >= {AUC_TARGET} ({source})": by["autoencoder"]["auc"] >= AUC_TARGET,
        },
    }
