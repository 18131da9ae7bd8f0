"""Placeholder router; filled in by the telephony work."""

from fastapi import APIRouter

router = APIRouter()
