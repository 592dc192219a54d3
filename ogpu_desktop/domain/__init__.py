"""Pure data and rules: task catalogue, payloads, images, results, amounts. No I/O, no Qt."""
