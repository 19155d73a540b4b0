// Site-wide loader for calculator mount points (filled in by the runtime work).
