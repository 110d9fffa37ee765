"""The models of approvals, one file per family, re-exported here for migrations and imports elsewhere."""

# Packages of approvals with models of their own (they import the model modules, not this face).
from ..disclosure.models import PublishedDecision
from .applications import (
    REMEDY_TEXT,
    Application,
    MaterialFile,
    ReferenceSequence,
    State,
    TransitionRole,
    material_upload_to,
    remedy_text,
)
from .batch import BatchJob, BatchJobItem
from .catalogue import ServiceItem, ServiceMaterial
from .corrections import ClockPause, CorrectionItem, CorrectionNotice

__all__ = [
    "REMEDY_TEXT",
    "Application",
    "BatchJob",
    "BatchJobItem",
    "ClockPause",
    "CorrectionItem",
    "CorrectionNotice",
    "MaterialFile",
    "PublishedDecision",
    "ReferenceSequence",
    "ServiceItem",
    "ServiceMaterial",
    "State",
    "TransitionRole",
    "material_upload_to",
    "remedy_text",
]
