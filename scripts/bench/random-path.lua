-- wrk: each request asks for a path drawn uniformly from the file named by $PATHS (one path a line).
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
math.randomseed(tonumber(os.getenv("SEED") or "42") + tonumber(tostring({}):sub(8), 16) % 1000)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
