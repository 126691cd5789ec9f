"""Model artifacts as bytes: skops format, loaded only when every type in them is on our trusted list.

skops rebuilds objects from a typed description instead of unpickling, so a file cannot run code on load
unless we trust a type that can. The list below is explicit and short; anything else is refused.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException

from models.classifier import StrategyClassifier
from models.errors import ModelError

# Types that skops does not trust by default but that our fitted classifier legitimately contains.
TRUSTED_TYPES: tuple[str, ...] = (
    "models.classifier.StrategyClassifier",
    "models.cues.CueLexicon",
    "models.domain.DomainAugment",
    "models.domain.TeamFlag",
    "models.embedding.PassageMeaning",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.multiclass._ConstantPredictor",  # stands in for a label absent from the training data
)


def dump_model(model: StrategyClassifier) -> bytes:
    """Serialise a fitted classifier to skops bytes."""
    return bytes(sio.dumps(model))


def artifact_digest(data: bytes) -> str:
    """sha256 hex digest of an artifact, kept next to it to detect tampering."""
    return hashlib.sha256(data).hexdigest()


def load_model_bytes(data: bytes, expected_sha256: str | None = None) -> StrategyClassifier:
    """Load a classifier from skops bytes; refuse (ModelError) anything damaged, altered or untrusted."""
    if expected_sha256 is not None and artifact_digest(data) != expected_sha256:
        raise ModelError("model artifact does not match its recorded checksum (altered or damaged)")
    try:
        # One pass: skops audits the types against our list while it loads, and refuses anything else.
        # (Listing the untrusted types first parsed the whole artifact twice: ~40% of the load time.)
        model = sio.loads(data, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException:
        untrusted = sio.get_untrusted_types(data=data)
        unknown = sorted(set(untrusted) - set(TRUSTED_TYPES))
        names = ", ".join(unknown[:5])
        raise ModelError(f"model artifact holds untrusted types, not loaded: {names}") from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, io.UnsupportedOperation) as exc:
        raise ModelError(f"model artifact is not a readable skops file ({type(exc).__name__})") from None
    except Exception as exc:  # skops raises many kinds of errors on a malformed file; none may escape raw
        raise ModelError(f"model artifact could not be loaded safely ({type(exc).__name__})") from None
    if not isinstance(model, StrategyClassifier) or not hasattr(model, "pipeline_"):
        raise ModelError("model artifact does not hold a fitted StrategyClassifier")
    return model
