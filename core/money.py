"""Amounts of money as every page and document of the portal prints them."""

from __future__ import annotations

from decimal import Decimal


def format_baht(amount, *, thai_digits: bool = False) -> str:
    """24,290.00: thousands separated, always two decimals (satang), as a ก.พ.7 writes a salary;
    "" for None."""
    if amount is None or amount == "":
        return ""
    text = f"{Decimal(str(amount)):,.2f}"
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) if thai_digits else text
