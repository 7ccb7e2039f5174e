"""The objective report: one self-contained HTML file built from the published metric tables."""
