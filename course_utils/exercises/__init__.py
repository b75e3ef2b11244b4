"""Self-check exercises: ``check()``, ``hint()`` and ``solution()``.

Each lesson has a module here (``lesson02``, ``lesson03``, ...) whose
:class:`Exercise` objects a notebook imports::

    from course_utils.exercises import lesson02 as exercises
    exercises.q1.check(my_answer)
    exercises.q1.hint()
    exercises.q1.solution()

``check`` never raises for a wrong answer: it prints what is wrong and
returns ``False``, so a learner can keep going. The test suite proves that
every solution passes its check and that typical wrong answers do not.

Used in: 00_welcome, 01_loading_audio, 02_standardizing, 03_building_the_autoencoder, 04_training,
05_evaluating, 06_troubleshooting, 07_compression, 07_going_further_codecs, 08_denoising,
09_anomaly_detection, 10_recognition, 11_synthesis, 12_efficiency_and_scale.
"""

from ._core import NOT_ANSWERED, Exercise, Incorrect

__all__ = ["Exercise", "Incorrect", "NOT_ANSWERED"]
