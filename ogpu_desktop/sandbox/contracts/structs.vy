# pragma version ~=0.4.3
"""
@title OGPU protocol types
@notice Structs and enum values shared by the Sandbox contracts. Field order and types
        follow the official OGPU ABIs exactly: they decide the tuple signatures.
"""

# Longest strings the Sandbox stores. Longer values revert while the call is decoded.
MAX_URL: constant(uint256) = 1024
MAX_CONFIG: constant(uint256) = 4096
MAX_DATA: constant(uint256) = 4096
# Longest list one paged getter returns; ask for more pages to read longer lists.
MAX_PAGE: constant(uint256) = 1000

# TaskStatus
TASK_NEW: constant(uint8) = 0
TASK_ATTEMPTED: constant(uint8) = 1
TASK_RESPONDED: constant(uint8) = 2
TASK_CANCELED: constant(uint8) = 3
TASK_EXPIRED: constant(uint8) = 4
TASK_FINALIZED: constant(uint8) = 5

# ResponseStatus
RESPONSE_SUBMITTED: constant(uint8) = 0
RESPONSE_CONFIRMED: constant(uint8) = 1

# SourceStatus
SOURCE_ACTIVE: constant(uint8) = 0
SOURCE_INACTIVE: constant(uint8) = 1

# DeliveryMethod
MANUAL_CONFIRMATION: constant(uint8) = 0
FIRST_RESPONSE: constant(uint8) = 1

# Environment bit flags (imageEnvironments)
ALL_ENVIRONMENTS: constant(uint8) = 7


struct TaskParams:
    source: address
    config: String[MAX_CONFIG]
    expiryTime: uint256
    payment: uint256


struct ResponseParams:
    task: address
    provider: address
    data: String[MAX_DATA]
    payment: uint256


struct SourceParams:
    client: address
    imageMetadataUrl: String[MAX_URL]
    imageEnvironments: uint8
    minPayment: uint256
    minAvailableLockup: uint256
    maxExpiryDuration: uint256
    privacyEnabled: bool
    optionalParamsUrl: String[MAX_URL]
    deliveryMethod: uint8
    lastUpdateTime: uint256
