// The budget store's Lua scripts (lib/budgets/valkey-store), each loaded once and called by EVALSHA.
// Per user: `bgt:{u}` holds the counters (`w:<window id>` = settled tokens, `mark` = the highest ledger
// id summed when they were built, `built` = when, in ms), `bgr:{u}` the reservations in flight
// (request id → "amount:lease end ms"), `bgp:{u}` settlements that found no counters (a rebuild may
// be summing the ledger from a snapshot without them). `bg:epoch` = "<id>:<created ms>" names this
// Valkey's life: a new one means it restarted empty.

/** Shared by the scripts: reads the epoch, creating it (from ARGV candidate) when Valkey is new. */
const EPOCH = `
local function epoch_of(key, candidate)
  local e = redis.call('GET', key)
  if not e then e = candidate; redis.call('SET', key, e) end
  return e
end`;

/**
 * KEYS: counters, reservations, epoch. ARGV: now, request id ('' = only read), input bound, n, wanted
 * cap, minimum cap, lease end, epoch candidate, grace ms, k, then k × (window id, limit or -1, start ms).
 * Returns {status, epoch, cap or tightest window (1-based) or -1, reserved, used1..k}; status is ok,
 * refused, rebuild (no usable counters: sum the ledger, then call again) or young (Valkey restarted a
 * moment ago: other instances may not have re-registered their reservations yet).
 */
export const ADMIT = `${EPOCH}
local now = tonumber(ARGV[1])
local epoch = epoch_of(KEYS[3], ARGV[8])
if redis.call('EXISTS', KEYS[1]) == 0 then return {'rebuild', epoch} end
local reserved = 0
local res = redis.call('HGETALL', KEYS[2])
for i = 1, #res, 2 do
  local v = res[i + 1]
  local sep = string.find(v, ':', 1, true)
  if tonumber(string.sub(v, sep + 1)) < now then
    -- A lapsed lease: its process died, with or without writing its ledger row. Only the ledger knows.
    redis.call('HDEL', KEYS[2], res[i])
    redis.call('DEL', KEYS[1])
    return {'rebuild', epoch}
  end
  -- An admission tried again (its first reply lost to a timeout) does not count against itself: its
  -- reservation, if the first try made one, is replaced below.
  if res[i] ~= ARGV[2] then reserved = reserved + tonumber(string.sub(v, 1, sep - 1)) end
end
local have = {}
local counters = redis.call('HGETALL', KEYS[1])
for i = 1, #counters, 2 do have[counters[i]] = counters[i + 1] end
local built = tonumber(have['built'] or '0')
local k = tonumber(ARGV[10])
local current, used = {}, {}
local left, tight = nil, 0
for i = 1, k do
  local f = 'w:' .. ARGV[8 + 3 * i]
  local limit = tonumber(ARGV[9 + 3 * i])
  current[f] = true
  if have[f] == nil and tonumber(ARGV[10 + 3 * i]) < built then
    -- A window that began before the counters were built but was not summed (the budget type or the
    -- timezone changed since): only the ledger knows it.
    redis.call('DEL', KEYS[1])
    return {'rebuild', epoch}
  end
  used[i] = tonumber(have[f] or '0')
  if limit >= 0 then
    local l = limit - used[i] - reserved
    if left == nil or l < left then left, tight = l, i end
  end
end
for f, _ in pairs(have) do
  if string.sub(f, 1, 2) == 'w:' and not current[f] then redis.call('HDEL', KEYS[1], f) end
end
local out = {'ok', epoch, -1, reserved}
if ARGV[2] ~= '' and left ~= nil then
  if now - tonumber(string.match(epoch, ':(%d+)$')) < tonumber(ARGV[9]) then return {'young', epoch} end
  local input, n = tonumber(ARGV[3]), tonumber(ARGV[4])
  local cap = math.floor((left - input) / n)
  if cap > tonumber(ARGV[5]) then cap = tonumber(ARGV[5]) end
  if cap < tonumber(ARGV[6]) then
    out[1], out[3] = 'refused', tight
  else
    redis.call('HSET', KEYS[2], ARGV[2], string.format('%d:%d', input + cap * n, tonumber(ARGV[7])))
    out[3] = cap
  end
end
for i = 1, k do out[4 + i] = used[i] end
redis.call('PEXPIRE', KEYS[1], 3456000000)
return out`;

/**
 * KEYS: counters, reservations, epoch, pending. ARGV: request id, ledger row id (-1 = no row written
 * now), tokens, k, then k × (window id, start ms). Releases the reservation and adds the tokens to each
 * window, once: only a row newer than the counters' mark counts (older ones are in the sums already),
 * and only into windows the counters know or that began after they were built. Returns {status,
 * epoch, used1..k} (-1 = unknown).
 */
export const SETTLE = `
redis.call('HDEL', KEYS[2], ARGV[1])
local epoch = redis.call('GET', KEYS[3]) or ''
local row = tonumber(ARGV[2])
local k = tonumber(ARGV[4])
if redis.call('EXISTS', KEYS[1]) == 0 then
  if row >= 0 then
    local parts = {ARGV[3]}
    for i = 1, k do parts[#parts + 1] = ARGV[3 + 2 * i]; parts[#parts + 1] = ARGV[4 + 2 * i] end
    redis.call('HSET', KEYS[4], ARGV[2], table.concat(parts, '|'))
    redis.call('PEXPIRE', KEYS[4], 120000)
  end
  return {'none', epoch}
end
local mark = tonumber(redis.call('HGET', KEYS[1], 'mark'))
local built = tonumber(redis.call('HGET', KEYS[1], 'built'))
local out = {'ok', epoch}
for i = 1, k do
  local f = 'w:' .. ARGV[3 + 2 * i]
  local known = redis.call('HEXISTS', KEYS[1], f) == 1
  if row > mark and (known or tonumber(ARGV[4 + 2 * i]) >= built) then
    out[2 + i] = redis.call('HINCRBY', KEYS[1], f, ARGV[3])
  else
    out[2 + i] = tonumber(redis.call('HGET', KEYS[1], f) or '-1')
  end
end
return out`;

/**
 * KEYS: counters, pending. ARGV: mark, built ms, k, then k × (window id, sum). Installs counters
 * summed from the ledger (unless another instance did first), then applies the settlements that found
 * no counters meanwhile and are newer than the mark.
 */
export const INSTALL = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local mark, built = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'mark', ARGV[1], 'built', ARGV[2])
for i = 1, tonumber(ARGV[3]) do redis.call('HSET', KEYS[1], 'w:' .. ARGV[2 + 2 * i], ARGV[3 + 2 * i]) end
local pending = redis.call('HGETALL', KEYS[2])
for i = 1, #pending, 2 do
  if tonumber(pending[i]) > mark then
    local parts = {}
    for p in string.gmatch(pending[i + 1], '[^|]+') do parts[#parts + 1] = p end
    for j = 2, #parts, 2 do
      local f = 'w:' .. parts[j]
      if redis.call('HEXISTS', KEYS[1], f) == 1 or tonumber(parts[j + 1]) >= built then redis.call('HINCRBY', KEYS[1], f, parts[1]) end
    end
  end
end
redis.call('DEL', KEYS[2])
redis.call('PEXPIRE', KEYS[1], 3456000000)
return 1`;

/**
 * KEYS: epoch, then one reservations key per held reservation. ARGV: the epoch this instance last saw,
 * epoch candidate, lease end, then × (request id, amount). Renews this instance's leases; after a
 * restart of Valkey (a new epoch) it registers them all again, so rebuilt counters see them.
 */
export const RENEW = `${EPOCH}
local epoch = epoch_of(KEYS[1], ARGV[2])
local again = epoch ~= ARGV[1]
for i = 2, #KEYS do
  local id = ARGV[2 + 2 * (i - 1)]
  if again or redis.call('HEXISTS', KEYS[i], id) == 1 then
    redis.call('HSET', KEYS[i], id, string.format('%d:%d', tonumber(ARGV[3 + 2 * (i - 1)]), tonumber(ARGV[3])))
  end
end
return epoch`;
