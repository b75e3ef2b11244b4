# ruff: noqa: I001  (the modules stay in the course's order, which the table follows)
# The package's modules, in the order the course meets them. lazy_loader reads this stub
# (course_utils/__init__.py) to import each on first use; dir(course_utils), Tab completion and
# type checkers read it to see them all. The module table in __init__.py's docstring is
# generated from this order and each module's first docstring line:
#     python scripts/update_module_table.py [--check]
from . import settings as settings
from . import session as session
from . import i18n as i18n
from . import ipython_extension as ipython_extension
from . import audio as audio
from . import data as data
from . import fetch as fetch
from . import metrics as metrics
from . import plotting as plotting
from . import diagrams as diagrams
from . import baselines as baselines
from . import codec as codec
from . import models as models
from . import training as training
from . import monitor as monitor
from . import seeds as seeds
from . import lapped as lapped
from . import sparse as sparse
from . import synthesis as synthesis
from . import spectral as spectral
from . import denoising as denoising
from . import anomaly as anomaly
from . import features as features
from . import augmentation as augmentation
from . import code_features as code_features
from . import recognition as recognition
from . import profiling as profiling
from . import efficiency as efficiency
from . import capstone as capstone
from . import widgets as widgets
from . import exercises as exercises
from . import checks as checks
from . import errors as errors
from . import compat as compat
from . import doctor as doctor
from .session import setup_notebook as setup_notebook

__version__: str

__all__ = ["setup_notebook", "__version__"]
