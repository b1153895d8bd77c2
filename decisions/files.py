"""Attachment type by content, never by name. The checker lives in ``workflows.files`` so
that consultations use the same one; this module keeps the old import path."""

from workflows.files import ALLOWED, DOCX, OFD, PDF, extension_of, sniff_type, upload_check

__all__ = ["ALLOWED", "DOCX", "OFD", "PDF", "extension_of", "sniff_type", "upload_check"]
