"""Cell text to values: numbers, dates and month names as exports write them."""
