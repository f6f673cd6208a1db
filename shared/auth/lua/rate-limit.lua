-- Sliding-window rate limit over one or more windows (per caller, per organisation): trims each
-- window, refuses if any is full (recording nothing), else records the request in all of them.
-- Time comes from Redis, so instances with skewed clocks share one window. Returns {0, 0} when
-- let through, or {i, ms until window i has room}.
-- KEYS[i] a window: zset request id → time (ms)
-- ARGV[1] window length (ms)
-- ARGV[2] request id
-- ARGV[i] from ARGV[3] on, the limit of KEYS[i - 2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= tonumber(ARGV[2 + i]) then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return {i, tonumber(oldest[2]) + window - now}
  end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, window)
end
return {0, 0}
