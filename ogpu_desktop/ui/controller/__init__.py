"""The Qt-side wiring of the app: network, wallet, services, publishing."""
