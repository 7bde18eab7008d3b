/** English function words: they carry no topic, so neither pages nor queries index them. */
export const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
  can could did do does doing down during each few for from further had has have having he her here hers herself him
  himself his i if in into is it its itself just me more most my myself no nor not of off on once only or other our ours
  ourselves out over own same she should so some such than that the their theirs them themselves then there these they
  this those through to too under until up very was we were while who whom why will with would you your yours yourself
  yourselves s t`.split(/\s+/),
);

/**
 * Words a question uses to ask rather than to say what it is about ("According to the report, how
 * many …"). Dropped from queries only: on a page they can be content.
 */
export const QUESTION_WORDS = new Set(
  `what which where when how many much according tell me give list name find show shown shows mentioned mention
  mentions described describe stated state say says said given does document documents report paper article page pages
  slide slides`.split(/\s+/),
);
