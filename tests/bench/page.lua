-- tests/bench/page.lua: the residents' search page (tests/bench/page.sh): half text + area, half activities of an area.
local words = {"koffie","wandelen","taal","koken","muziek","bingo","zwemmen","computer","tuin","kaarten","yoga","breien","fietsen","dans","lezen","schaken","moestuin","sport","jeugd","ouderen"}
local areas = {"GM0512-lingewijk","GM0512-haarwijk","GM0512-west","GM0512-dalem","GM0668-beneden-leeuwen","GM0668-wamel"}
math.randomseed(os.time())
request = function()
  local q = words[math.random(#words)]
  local path
  if math.random() < 0.5 then path = "/?q=" .. q .. "&area=" .. areas[math.random(#areas)]
  else path = "/?area=" .. areas[math.random(#areas)] .. "&kind=activity" end
  return wrk.format("GET", path)
end
