"""Values written down in the protocol notes (§5), to check what the code derives against them."""

# topic0 of each event the app or the Sandbox's provider watches, from the official ABI.
NOTED_TOPICS = {
    "TaskPublished": "0x3bf5b04cf8ed447db6fda0a63a96369fd5dde6b366b6b480e784be44b26a6c22",
    "TaskStatusChanged": "0x004961faf5705b2d0656e64b56064817b7e3f00eefca17906d2d1600b20b73ec",
    "Attempted": "0x88c89788e8b61b93ed2a66e02b36e04d60275b78893674aa6134fad20874022d",
    "ResponseSubmitted": "0xf6a0b941311aeaa4102f64c379955a62cca24a7cb0cf54e6203ca75075588554",
    "ResponseStatusChanged": "0x0af3a4721b2eaed49a7bcd503459564e37cd4b6825d633c60f12ba26c2397f4c",
    "SourcePublished": "0xaed6dbe0b027f2c996fbb0c72ea0549a1b18ee6bd48549fbce971a7027503a57",
    "SourceUpdated": "0x5f9bf4e8a1679156115361af50849b7807ce9be1880b79fc30ded34053274895",
    "SourceStatusChanged": "0xd67fb784e94c7730f8d719043be4a40dcc6786aded1760f77aa46716193421a2",
    "Registered": "0xd336e6f66ca18b8522dabc6be4828055a35190f0152ae2b125ad0cb6c9a0c120",
    "Deposited": "0x2da466a7b24304f47e87fa2e1e5a81b9831ce54fec19055ce277ca2f39ba42c4",
    "Withdrawn": "0x7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d5",
}
