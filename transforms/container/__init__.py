"""Bytes to sheets of string records: CSV text, XLSX, XLS, XML Spreadsheet 2003."""
