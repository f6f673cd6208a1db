-- Takes a streaming slot for a lease in both the user's and the organisation's set, or neither.
-- Returns {0, 0} when taken, or {1|2, ms until the earliest lease in the full set expires}.
-- KEYS[1] the user's leases: zset lease id → expiry (ms)
-- KEYS[2] the organisation's leases: zset lease id → expiry (ms)
-- ARGV[1] lease id
-- ARGV[2] user limit
-- ARGV[3] organisation limit
-- ARGV[4] lease length (ms)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local limits = { tonumber(ARGV[2]), tonumber(ARGV[3]) }
for i = 1, 2 do
  if redis.call('ZCARD', KEYS[i]) >= limits[i] then
    local first = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    return { i, tonumber(first[2]) - now }
  end
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease * 2)
redis.call('PEXPIRE', KEYS[2], lease * 2)
return { 0, 0 }
