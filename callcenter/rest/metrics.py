"""Placeholder router; filled in later."""

from fastapi import APIRouter

router = APIRouter()
