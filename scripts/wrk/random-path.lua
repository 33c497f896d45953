-- wrk: each request asks for a path drawn uniformly from the file named by $PATHS (one path a line).
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
math.randomseed(tonumber(os.getenv("SEED") or "42") + tonumber(tostring({}):sub(8), 16) % 1000)
-- With BUST set, each request gets a query of its own, so a cache in front (nginx's) never answers it.
local bust = os.getenv("BUST") ~= nil
request = function()
  local path = paths[math.random(#paths)]
  if bust then path = path .. (path:find("?", 1, true) and "&" or "?") .. "b=" .. math.random(1, 1000000000) end
  return wrk.format("GET", path)
end
