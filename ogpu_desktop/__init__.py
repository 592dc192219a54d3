"""OGPU Desktop: publish HuggingFace-pipeline tasks to the OpenGPU network from a window."""

__version__ = "0.1.0"
APP_NAME = "OGPU Desktop"
APP_ID = "ogpu-desktop"
