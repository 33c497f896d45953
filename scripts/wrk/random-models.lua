-- wrk script: request /models/{mid} for mids drawn at random from the file named by MIDS (one per line),
-- so most requests miss the page cache.
local mids = {}
for line in io.lines(os.getenv("MIDS") or "mids.txt") do mids[#mids + 1] = line end
math.randomseed(42)
request = function()
  return wrk.format("GET", "/models/" .. mids[math.random(#mids)])
end
