-- wrk: each request is a "For you" POST whose body likes $LIKES models drawn uniformly from the model pages listed
-- in $PATHS (one /models/{mid} a line).
local mids = {}
for line in io.lines(os.getenv("PATHS")) do mids[#mids + 1] = line:match("/models/(%w+)") end
local likes = tonumber(os.getenv("LIKES") or "5")
math.randomseed(tonumber(os.getenv("SEED") or "42") + tonumber(tostring({}):sub(8), 16) % 1000)
request = function()
  local chosen = {}
  for i = 1, likes do chosen[i] = '"' .. mids[math.random(#mids)] .. '"' end
  return wrk.format("POST", "/api/v1/recommendations", { ["Content-Type"] = "application/json" },
                    '{"liked": [' .. table.concat(chosen, ",") .. ']}')
end
