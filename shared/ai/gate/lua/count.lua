-- Counts the leases not yet expired. Returns {user's, organisation's}.
-- KEYS[1] the user's leases: zset lease id → expiry (ms)
-- KEYS[2] the organisation's leases: zset lease id → expiry (ms)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return { redis.call('ZCOUNT', KEYS[1], now, '+inf'), redis.call('ZCOUNT', KEYS[2], now, '+inf') }
