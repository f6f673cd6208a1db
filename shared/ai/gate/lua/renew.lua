-- Renews a lease only where it is still held (ZADD XX), so a lease that already expired and was
-- counted free is not revived past the limit. Returns how many of the two sets held it.
-- KEYS[1] the user's leases: zset lease id → expiry (ms)
-- KEYS[2] the organisation's leases: zset lease id → expiry (ms)
-- ARGV[1] lease id
-- ARGV[2] lease length (ms)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
local held = 0
for i = 1, 2 do
  held = held + redis.call('ZADD', KEYS[i], 'XX', 'CH', now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], lease * 2)
end
return held
