"""A small corpus of original verse (written for minigrad, public domain), for char models."""

TEXT = """\
THE MILLER'S CAT

The miller's cat sat on the mat,
and counted mice, and that was that.
One went left and one went right,
one went dancing in the night.
Two went up the chimney stack,
and none of them came running back.

THE LITTLE BOAT

Row, little boat, across the bay,
the tide is high, the sky is grey.
The gulls are calling, one by one,
to bring the fishers home by sun.
Row, little boat, and row again,
through wind and foam and morning rain.

HICKORY HILL

Up on Hickory Hill there stands
a crooked house with crooked hands;
it waves at all who pass it by
and whistles when the wind is high.
The goat lives there, the goose as well,
and what they say, they will not tell.

THE BAKER'S DOZEN

One for the baker, two for his wife,
three for the farmer who sharpens his knife,
four for the tailor, five for the king,
six for the bird that has learned how to sing,
seven for morning and eight for the noon,
nine for the cow that jumped over the moon,
ten for the river and eleven for the tree,
and twelve for the sailor just home from the sea.
And one more loaf, the thirteenth one,
for anyone hungry when all work is done.

SLEEPY TOWN

The lamps are lit in Sleepy Town,
the shutters close, the moon comes down.
The cobbler dreams of boots and shoes,
the fiddler dreams of tunes to choose,
the mayor dreams of golden chains,
the farmer dreams of summer rains.
And every child in every bed
has stars and stories in his head.

THE WEATHER WIFE

The weather wife with her weather broom
swept the clouds from the sky's blue room.
She swept them north and she swept them west,
she swept them into a feather nest.
When the nest was full and the nest was round,
it rained and rained on the thirsty ground.

COUNTING SHEEP

One sheep, two sheep, over the wall,
three sheep, four sheep, who will fall?
Five sheep, six sheep, round the pen,
seven sheep, eight sheep, back again.
Nine sheep, ten sheep, close your eyes,
the shepherd sings and the lantern dies.

THE KING OF PUDDING LANE

The King of Pudding Lane was fat,
he wore a pie upon his hat.
He ate his breakfast off a plate
as big as any city gate.
He called for bread, he called for tea,
he called for cake and cherries three,
and when the feast was all consumed,
he sighed and called for more, I assume.

LITTLE WREN

Little wren, little wren, where have you been?
I have been to the hedge where the berries are green.
Little wren, little wren, what did you see?
I saw a fat beetle asleep on a tree.
Little wren, little wren, what will you do?
I will sing in the morning and sing it for you.

THE CLOCK ON THE STAIR

Tick goes the clock on the stair, tick, tock,
the mouse in the pantry, the key in the lock.
Tick goes the clock, and the hours go round,
the cat in the garden, the dog on the ground.
Tick goes the clock when the candle is low,
and nobody knows where the minutes all go.

RAIN ON THE ROOF

Pitter and patter, the rain on the roof,
the horse in the stable is stamping his hoof.
Patter and pitter, the rain on the pane,
the ducks in the meadow are happy again.
Pitter and patter, and patter and pit,
the fire in the kitchen is cheerfully lit.

THE WINDMILL

Turn, windmill, turn, and grind the grain,
in sun and frost and wind and rain.
The sails go round, the stones go round,
the flour falls soft without a sound.
The miller sings, the miller sighs,
the flour is white as winter skies.

GOOD NIGHT

Good night to the hill and good night to the sea,
good night to the owl in the old apple tree.
Good night to the boat and the boat's little light,
good night to the world, and to all, good night.
"""
