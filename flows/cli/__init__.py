"""The `kunci` command line: the parser, the command handlers, what people see."""
