/**
 * The most common given names and surnames in Sweden (SCB's name
 * statistics, rounded to the names everyone knows), diacritic-free and in
 * lower case. The prefilter looks for one token of a name, any of which
 * every matching record holds; a name's rarer token lets far fewer records
 * through (`alholm` rather than `fredrik`). Only the choice depends on this
 * list, never whether a record can match, so it may be incomplete or wrong.
 */
const GIVEN = `anna eva maria karin sara kristina christina lena emma kerstin marie malin ingrid hanna linda elin sofia annika
susanne johanna monica birgitta carina elisabeth ida jenny julia camilla helena ulla inger katarina linnea cecilia louise
sofie frida gunilla margareta agneta ebba maja astrid alice elsa wilma olivia matilda klara josefin therese anneli asa
britt stina signe greta saga moa nora tove vera lisa amanda emelie caroline jessica sandra sanna helen ann mona siv gun
marianne yvonne lina ellen alva ella agnes freja selma ines stella barbro gunnel maud irene zoe ingegerd elsie lovisa
lars mikael michael anders johan erik per karl carl peter jan thomas tomas daniel fredrik hans bengt stefan mats bo
andreas nils magnus marcus markus mattias jonas niklas bjorn martin sven gustav gustaf leif alexander henrik oskar oscar
patrik david christer goran ulf olof gunnar kjell rolf lennart hakan robert emil simon viktor axel elias william lucas
liam hugo oliver noah adam filip isak ludvig anton jakob sebastian kristoffer joakim rasmus tobias christian sixten
stellan tage ture ake ingvar rune torbjorn jorgen orjan osten mans leo arvid albin gosta kent roger claes urban dan ola
jens pontus andre jose noel`;
const SURNAMES = `andersson johansson karlsson nilsson eriksson larsson olsson persson svensson gustafsson pettersson
jonsson jansson hansson bengtsson jonsson lindberg jakobsson magnusson olofsson lindstrom lindqvist lindgren axelsson
berg bergstrom lundberg lind lundgren lundqvist mattsson berglund fredriksson sandberg henriksson forsberg sjoberg wallin
ali engstrom mohamed eklund danielsson lundin hakansson bjork bergman gunnarsson holm wikstrom samuelsson isaksson
fransson bergqvist nystrom holmberg arvidsson lofgren soderberg nyberg blomqvist claesson nordstrom martensson
lundstrom ahmed viklund bjorklund eliasson palsson berggren sandstrom lund nordin strom aberg hermansson ekstrom
holmgren sundberg hedlund dahlberg hellstrom sjogren abrahamsson falk martinsson oberg andreasson stromberg mansson
hansen akesson dahl lindholm norberg holmqvist ek ohman strand nordqvist sundstrom`;

export const COMMON_NAME_TOKENS: ReadonlySet<string> = new Set(`${GIVEN} ${SURNAMES}`.split(/\s+/u).filter((t) => t.length > 0));
