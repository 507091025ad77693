#include "gaussnet_kernels.h"

#include <math.h>

#pragma clang fp contract(off)

// Ziggurat and exp tables as exact hexadecimal literals, so they do not depend on the libm of the
// machine that runs the program. The 512-layer ziggurat: f(x) = exp(−x²/2), r = 3.852046150368391
// and v = r f(r) + ∫_r^∞ f = 0.002456766351541357 (r solved by bisection so that the top layer
// closes, x[511] (1 − f(x[511])) = v to 1.4e-12), x[0] = v/f(r), x[1] = r,
// x[i] = √(−2 ln(v/x[i−1] + f(x[i−1]))), x[512] = 0; `RandomTests.testZigguratTable` recomputes
// the table and checks that every layer has area v.
static const double ziggurat[1026] = {
    0x1.0632ee745989dp+2, 0x1.e167a4a41ad3fp-1,    0x1.ed0fd92741e98p+1, 0x1.e65c8057542ecp-1,
    0x1.d45f1f91582b5p+1, 0x1.ef25de4151733p-1,    0x1.c4f49b35cc04bp+1, 0x1.f327e3f66424fp-1,
    0x1.b997af932ddfp+1, 0x1.f57d57624e781p-1,    0x1.b0870833f1dd3p+1, 0x1.f707d6262d603p-1,
    0x1.a8f34750559b1p+1, 0x1.f8215b07eca05p-1,    0x1.a26b296efdd7ap+1, 0x1.f8f52eba14737p-1,
    0x1.9ca9db4047da4p+1, 0x1.f99ad4596377dp-1,    0x1.978252fe39afp+1, 0x1.fa20370b070bbp-1,
    0x1.92d56ff9b5b84p+1, 0x1.fa8e202f83893p-1,    0x1.8e8cc22e8fed7p+1, 0x1.faea64a51ebf4p-1,
    0x1.8a979094c9be4p+1, 0x1.fb390bbf517d3p-1,    0x1.86e90c98a2497p+1, 0x1.fb7cf5ca17719p-1,
    0x1.83772e13020a3p+1, 0x1.fbb83f148d2f1p-1,    0x1.8039f2b11904ep+1, 0x1.fbec7d758951ap-1,
    0x1.7d2adaae95f2dp+1, 0x1.fc1ae7eda5628p-1,    0x1.7a448cd014c43p+1, 0x1.fc4470ff5e755p-1,
    0x1.7782944cd1f85p+1, 0x1.fc69d8ace4111p-1,    0x1.74e1305585c85p+1, 0x1.fc8bb90cdf97ap-1,
    0x1.725d2fdc38092p+1, 0x1.fcaa8f4632c62p-1,    0x1.6ff3d611320dap+1, 0x1.fcc6c218cebfdp-1,
    0x1.6da2c52e106f6p+1, 0x1.fce0a6b2e65ebp-1,    0x1.6b67ede5807dfp+1, 0x1.fcf88451b61ep-1,
    0x1.6941824bbb30cp+1, 0x1.fd0e9704429f3p-1,    0x1.672deb60ad1c3p+1, 0x1.fd2311cbca89ap-1,
    0x1.652bc09f304f9p+1, 0x1.fd362043ee8adp-1,    0x1.6339c11db1fdp+1, 0x1.fd47e7f08f548p-1,
    0x1.6156cde9c234ep+1, 0x1.fd5889471b12cp-1,    0x1.5f81e55d14109p+1, 0x1.fd68208339ed8p-1,
    0x1.5dba1f39d5319p+1, 0x1.fd76c652adec5p-1,    0x1.5bfea967a4751p+1, 0x1.fd84906147114p-1,
    0x1.5a4ec532f3689p+1, 0x1.fd9191cba6fc9p-1,    0x1.58a9c4f70defep+1, 0x1.fd9ddb7dfb3eep-1,
    0x1.570f0a1fed709p+1, 0x1.fda97c82a91d4p-1,    0x1.557e0374c5abap+1, 0x1.fdb48244041dfp-1,
    0x1.53f62b9f29ecbp+1, 0x1.fdbef8c37dfb3p-1,    0x1.527707e4f6477p+1, 0x1.fdc8eac83c339p-1,
    0x1.5100270cf92dp+1, 0x1.fdd262069b0bep-1,    0x1.4f912067ca90cp+1, 0x1.fddb6741d7ebep-1,
    0x1.4e2992f764bb9p+1, 0x1.fde40268e02a6p-1,    0x1.4cc924b10022p+1, 0x1.fdec3aaf11772p-1,
    0x1.4b6f81d5737a1p+1, 0x1.fdf416a1932b5p-1,    0x1.4a1c5c5cf56efp+1, 0x1.fdfb9c39d19cp-1,
    0x1.48cf6b739d02ep+1, 0x1.fe02d0ed8c574p-1,    0x1.47886b0466a47p+1, 0x1.fe09b9bcd4bcp-1,
    0x1.46471b50daaacp+1, 0x1.fe105b3e4a992p-1,    0x1.450b4093b9d7fp+1, 0x1.fe16b9a9d7a71p-1,
    0x1.43d4a2ad506b9p+1, 0x1.fe1cd8e22036cp-1,    0x1.42a30cd842726p+1, 0x1.fe22bc7cd6cf3p-1,
    0x1.41764d65ce1d9p+1, 0x1.fe2867ca195aap-1,    0x1.404e3580a46d4p+1, 0x1.fe2ddddaf8a06p-1,
    0x1.3f2a98f596865p+1, 0x1.fe33218745e63p-1,    0x1.3e0b4e016f903p+1, 0x1.fe383572be798p-1,
    0x1.3cf02d2368b2p+1, 0x1.fe3d1c11a97dp-1,    0x1.3bd910f3b75d6p+1, 0x1.fe41d7acf96fcp-1,
    0x1.3ac5d5fdc600dp+1, 0x1.fe466a660079ap-1,    0x1.39b65a9db4eedp+1, 0x1.fe4ad639c47c5p-1,
    0x1.38aa7ee0cd16p+1, 0x1.fe4f1d03fe273p-1,    0x1.37a22468985c9p+1, 0x1.fe534081ccd44p-1,
    0x1.369d2e505c4bfp+1, 0x1.fe57425427accp-1,    0x1.359b8114bb6b1p+1, 0x1.fe5b240213829p-1,
    0x1.349d027d485a2p+1, 0x1.fe5ee6faa3d8ap-1,    0x1.33a19987db9d2p+1, 0x1.fe628c96cccc3p-1,
    0x1.32a92e558222cp+1, 0x1.fe66161b0adc4p-1,    0x1.31b3aa18df146p+1, 0x1.fe6984b8e4f55p-1,
    0x1.30c0f705df6f1p+1, 0x1.fe6cd9904ca1fp-1,    0x1.2fd10042a1614p+1, 0x1.fe7015b0dfcf1p-1,
    0x1.2ee3b1d9747c6p+1, 0x1.fe733a1b0f2b5p-1,    0x1.2df8f8abda806p+1, 0x1.fe7647c12bd4ap-1,
    0x1.2d10c26672f0ap+1, 0x1.fe793f885eb84p-1,    0x1.2c2afd75bdc58p+1, 0x1.fe7c22498bc65p-1,
    0x1.2b4798fba3739p+1, 0x1.fe7ef0d222e13p-1,    0x1.2a6684c5b2347p+1, 0x1.fe81abe4e03aep-1,
    0x1.2987b14401fffp+1, 0x1.fe84543a7da31p-1,    0x1.28ab0f80b1fd1p+1, 0x1.fe86ea825627bp-1,
    0x1.27d09117f36a2p+1, 0x1.fe896f62fd3bdp-1,    0x1.26f82830970efp+1, 0x1.fe8be37aca816p-1,
    0x1.2621c77513467p+1, 0x1.fe8e47605b31bp-1,    0x1.254d620cf98d3p+1, 0x1.fe909ba30a093p-1,
    0x1.247aeb96d34b4p+1, 0x1.fe92e0cb5e85dp-1,    0x1.23aa58225e47ap+1, 0x1.fe95175b742f4p-1,
    0x1.22db9c2b21d58p+1, 0x1.fe973fcf5a953p-1,    0x1.220eac9356627p+1, 0x1.fe995a9d6e99fp-1,
    0x1.21437e9f19919p+1, 0x1.fe9b6836ad948p-1,    0x1.207a07efe98a2p+1, 0x1.fe9d690702c98p-1,
    0x1.1fb23e80628f8p+1, 0x1.fe9f5d758faa7p-1,    0x1.1eec18a03a5b3p+1, 0x1.fea145e4ef469p-1,
    0x1.1e278cf0750e8p+1, 0x1.fea322b3754bcp-1,    0x1.1d64925fcfe4dp+1, 0x1.fea4f43b68eaep-1,
    0x1.1ca320275e196p+1, 0x1.fea6bad33bf51p-1,    0x1.1be32dc754bbep+1, 0x1.fea876cdbe73ap-1,
    0x1.1b24b304026b2p+1, 0x1.feaa287a4f022p-1,    0x1.1a67a7e2f029dp+1, 0x1.feabd02508239p-1,
    0x1.19ac04a828b3fp+1, 0x1.fead6e16eace3p-1,    0x1.18f1c1d3a3ee6p+1, 0x1.feaf0296065ccp-1,
    0x1.1838d81ed4345p+1, 0x1.feb08de59e173p-1,    0x1.1781407a53707p+1, 0x1.feb210464c7e8p-1,
    0x1.16caf40bae15ep+1, 0x1.feb389f624802p-1,    0x1.1615ec2b4a2d9p+1, 0x1.feb4fb30d0b8dp-1,
    0x1.1562226268ce2p+1, 0x1.feb6642fb0e7ap-1,    0x1.14af906940713p+1, 0x1.feb7c529f5afcp-1,
    0x1.13fe30252eb3dp+1, 0x1.feb91e54bac7p-1,    0x1.134dfba700293p+1, 0x1.feba6fe31faa4p-1,
    0x1.129eed294cfcap+1, 0x1.febbba065ef1ap-1,    0x1.11f0ff0ee936dp+1, 0x1.febcfcede45b9p-1,
    0x1.11442be1678cfp+1, 0x1.febe38c761a18p-1,    0x1.10986e4fadb22p+1, 0x1.febf6dbee22d2p-1,
    0x1.0fedc12c9935fp+1, 0x1.fec09bfeddbdep-1,    0x1.0f441f6db409p+1, 0x1.fec1c3b04a104p-1,
    0x1.0e9b8429f7cfep+1, 0x1.fec2e4faab972p-1,    0x1.0df3ea989f3ap+1, 0x1.fec400042555p-1,
    0x1.0d4d4e10049e8p+1, 0x1.fec514f187e32p-1,    0x1.0ca7aa048d2cep+1, 0x1.fec623e65fb39p-1,
    0x1.0c02fa07a00a5p+1, 0x1.fec72d0502979p-1,    0x1.0b5f39c6a8bd7p+1, 0x1.fec8306e9c99fp-1,
    0x1.0abc650a24561p+1, 0x1.fec92e433c326p-1,    0x1.0a1a77b4b8c47p+1, 0x1.feca26a1ddde4p-1,
    0x1.09796dc255dd9p+1, 0x1.fecb19a87728bp-1,    0x1.08d943475f919p+1, 0x1.fecc07740126ap-1,
    0x1.0839f46fe0df3p+1, 0x1.feccf02082724p-1,    0x1.079b7d7ec7175p+1, 0x1.fecdd3c918abbp-1,
    0x1.06fddacd25092p+1, 0x1.feceb2880184ep-1,    0x1.066108c97db53p+1, 0x1.fecf8c76a3613p-1,
    0x1.05c503f7162bap+1, 0x1.fed061ad958c3p-1,    0x1.0529c8ed4e3e2p+1, 0x1.fed13244a80f8p-1,
    0x1.048f5456ffb3dp+1, 0x1.fed1fe52eb2bdp-1,    0x1.03f5a2f1e3b14p+1, 0x1.fed2c5eeb679dp-1,
    0x1.035cb18dfe0afp+1, 0x1.fed3892dafb83p-1,    0x1.02c47d0d0e3cbp+1, 0x1.fed44824d14bfp-1,
    0x1.022d026205c49p+1, 0x1.fed502e87073ep-1,    0x1.01963e9083a1fp+1, 0x1.fed5b98c43389p-1,
    0x1.01002eac54bfp+1, 0x1.fed66c236615fp-1,    0x1.006acfd8f90b4p+1, 0x1.fed71ac061679p-1,
    0x1.ffac3e925a25bp+0, 0x1.fed7c5752e978p-1,    0x1.fe84347cefbfep+0, 0x1.fed86c533d13fp-1,
    0x1.fd5d7c1179eccp+0, 0x1.fed90f6b770ep-1,    0x1.fc38100ba4782p+0, 0x1.fed9aece46056p-1,
    0x1.fb13eb4233464p+0, 0x1.feda4a8b9721cp-1,    0x1.f9f108a63cd99p+0, 0x1.fedae2b2df5e2p-1,
    0x1.f8cf63426bbb8p+0, 0x1.fedb77531f872p-1,    0x1.f7aef63a467f3p+0, 0x1.fedc087ae80eap-1,
    0x1.f68fbcc97e164p+0, 0x1.fedc96385cb74p-1,    0x1.f571b2434235cp+0, 0x1.fedd209938197p-1,
    0x1.f454d2119b8afp+0, 0x1.fedda7aacf02cp-1,    0x1.f33917b4cb828p+0, 0x1.fede2b7a13b3ap-1,
    0x1.f21e7ec2b1695p+0, 0x1.fedeac1398fabp-1,    0x1.f10502e634aeep+0, 0x1.fedf298395306p-1,
    0x1.efec9fdeb414cp+0, 0x1.fedfa3d5e5144p-1,    0x1.eed5517f7998fp+0, 0x1.fee01b160e8d4p-1,
    0x1.edbf13af32ebap+0, 0x1.fee08f4f434ep-1,    0x1.eca9e2676e41bp+0, 0x1.fee1008c635f1p-1,
    0x1.eb95b9b41b59ap+0, 0x1.fee16ed7ff8f2p-1,    0x1.ea8295b31087fp+0, 0x1.fee1da3c5bcbbp-1,
    0x1.e970729393a45p+0, 0x1.fee242c371623p-1,    0x1.e85f4c95e6b0bp+0, 0x1.fee2a876f12b3p-1,
    0x1.e74f200ad816bp+0, 0x1.fee30b60459fdp-1,    0x1.e63fe9535657fp+0, 0x1.fee36b8894dbdp-1,
    0x1.e531a4e007108p+0, 0x1.fee3c8f8c28b3p-1,    0x1.e4244f30e12bap+0, 0x1.fee423b971c5dp-1,
    0x1.e317e4d4ca2c4p+0, 0x1.fee47bd306d97p-1,    0x1.e20c6269366c8p+0, 0x1.fee4d14da901cp-1,
    0x1.e101c499cc37dp+0, 0x1.fee5243144107p-1,    0x1.dff8082009a54p+0, 0x1.fee574858a05fp-1,
    0x1.deef29c2ed18bp+0, 0x1.fee5c251f49a9p-1,    0x1.dde72656a0523p+0, 0x1.fee60d9dc6b97p-1,
    0x1.dcdffabc25f3dp+0, 0x1.fee656700dedp-1,    0x1.dbd9a3e10967dp+0, 0x1.fee69ccfa3bf3p-1,
    0x1.dad41ebf11117p+0, 0x1.fee6e0c32f0b8p-1,    0x1.d9cf685bf2b38p+0, 0x1.fee7225125462p-1,
    0x1.d8cb7dc909f95p+0, 0x1.fee7617fcbb5dp-1,    0x1.d7c85c23110e3p+0, 0x1.fee79e5538a37p-1,
    0x1.d6c60091db31fp+0, 0x1.fee7d8d7547ep-1,    0x1.d5c4684811384p+0, 0x1.fee8110bdaf49p-1,
    0x1.d4c39082efe28p+0, 0x1.fee846f85c05bp-1,    0x1.d3c3768a08039p+0, 0x1.fee87aa23d04dp-1,
    0x1.d2c417af005dcp+0, 0x1.fee8ac0eb9972p-1,    0x1.d1c5714d592cap+0, 0x1.fee8db42e4a69p-1,
    0x1.d0c780ca314b8p+0, 0x1.fee90843a94c6p-1,    0x1.cfca43940ceb5p+0, 0x1.fee93315cbb35p-1,
    0x1.cecdb7229dca7p+0, 0x1.fee95bbde9f19p-1,    0x1.cdd1d8f68ce13p+0, 0x1.fee982407cdb1p-1,
    0x1.ccd6a69945779p+0, 0x1.fee9a6a1d8cc1p-1,    0x1.cbdc1d9cc1978p+0, 0x1.fee9c8e62e6c3p-1,
    0x1.cae23b9b57d08p+0, 0x1.fee9e9118b6b3p-1,    0x1.c9e8fe378a41dp+0, 0x1.feea0727db361p-1,
    0x1.c8f0631bd6e06p+0, 0x1.feea232ce7a62p-1,    0x1.c7f867fa88ee5p+0, 0x1.feea3d2459a96p-1,
    0x1.c7010a8d8b9a2p+0, 0x1.feea5511b9e4ep-1,    0x1.c60a48963dbbfp+0, 0x1.feea6af87151bp-1,
    0x1.c5141fdd46a86p+0, 0x1.feea7edbc9d2cp-1,    0x1.c41e8e326c0fp+0, 0x1.feea90beeec6dp-1,
    0x1.c329916c68dd1p+0, 0x1.feeaa0a4ed935p-1,    0x1.c2352768c51b2p+0, 0x1.feeaae90b62b9p-1,
    0x1.c1414e0baebfp+0, 0x1.feeaba851b91fp-1,    0x1.c04e033fd3692p+0, 0x1.feeac484d4541p-1,
    0x1.bf5b44f63b068p+0, 0x1.feeacc927b02ep-1,    0x1.be69112623503p+0, 0x1.feead2b08ea6p-1,
    0x1.bd7765ccdc217p+0, 0x1.feead6e17329ap-1,    0x1.bc8640eda49d5p+0, 0x1.feead92771c91p-1,
    0x1.bb95a091891ddp+0, 0x1.feead984b975p-1,    0x1.baa582c741e66p+0, 0x1.feead7fb5f353p-1,
    0x1.b9b5e5a312939p+0, 0x1.feead48d5e85ep-1,    0x1.b8c6c73eaa41ap+0, 0x1.feeacf3c99b29p-1,
    0x1.b7d825b904658p+0, 0x1.feeac80ada2b6p-1,    0x1.b6e9ff364a517p+0, 0x1.feeabef9d0d8p-1,
    0x1.b5fc51dfb5611p+0, 0x1.feeab40b16662p-1,    0x1.b50f1be371c73p+0, 0x1.feeaa7402b94fp-1,
    0x1.b4225b7481f88p+0, 0x1.feea989a797dp-1,    0x1.b3360ecaa2aeap+0, 0x1.feea881b51d48p-1,
    0x1.b24a34222f7e9p+0, 0x1.feea75c3ef30bp-1,    0x1.b15ec9bc07fe6p+0, 0x1.feea61957543ap-1,
    0x1.b073cddd75754p+0, 0x1.feea4b90f1177p-1,    0x1.af893ed01112ap+0, 0x1.feea33b759457p-1,
    0x1.ae9f1ae1aaa6fp+0, 0x1.feea1a098e2bbp-1,    0x1.adb560642fdb9p+0, 0x1.fee9fe885a1dcp-1,
    0x1.accc0dad93e4ap+0, 0x1.fee9e1347194cp-1,    0x1.abe32117b7aa5p+0, 0x1.fee9c20e735acp-1,
    0x1.aafa99005265p+0, 0x1.fee9a116e8b42p-1,    0x1.aa1273c8daa91p+0, 0x1.fee97e4e45864p-1,
    0x1.a92aafd66fdf3p+0, 0x1.fee959b4e87afp-1,    0x1.a8434b91c4254p+0, 0x1.fee9334b1b227p-1,
    0x1.a75c456706959p+0, 0x1.fee90b1112113p-1,    0x1.a6759bc5cdeffp+0, 0x1.fee8e106ecfbdp-1,
    0x1.a58f4d2103a29p+0, 0x1.fee8b52cb6d19p-1,    0x1.a4a957eecf2fep+0, 0x1.fee8878265d1fp-1,
    0x1.a3c3baa881ed4p+0, 0x1.fee85807dba1fp-1,    0x1.a2de73ca83193p+0, 0x1.fee826bce55dfp-1,
    0x1.a1f981d43c456p+0, 0x1.fee7f3a13ba92p-1,    0x1.a114e34806123p+0, 0x1.fee7beb482bacp-1,
    0x1.a03096ab1538fp+0, 0x1.fee787f64a68fp-1,    0x1.9f4c9a8567e2ap+0, 0x1.fee74f660e31p-1,
    0x1.9e68ed61b3485p+0, 0x1.fee71503353d9p-1,    0x1.9d858dcd519bp+0, 0x1.fee6d8cd126a7p-1,
    0x1.9ca27a583030ap+0, 0x1.fee69ac2e445dp-1,    0x1.9bbfb194bdf39p+0, 0x1.fee65ae3d50f9p-1,
    0x1.9add3217da131p+0, 0x1.fee6192efab5ep-1,    0x1.99fafa78c2f19p+0, 0x1.fee5d5a356d02p-1,
    0x1.99190951054fap+0, 0x1.fee5903fd696ap-1,    0x1.98375d3c6bb07p+0, 0x1.fee5490352d8dp-1,
    0x1.9755f4d8edf6dp+0, 0x1.fee4ffec8ff12p-1,    0x1.9674cec6a1381p+0, 0x1.fee4b4fa3db6p-1,
    0x1.9593e9a7a7c2dp+0, 0x1.fee4682af7691p-1,    0x1.94b3442021581p+0, 0x1.fee4197d43a43p-1,
    0x1.93d2dcd61b948p+0, 0x1.fee3c8ef9443dp-1,    0x1.92f2b27182885p+0, 0x1.fee37680464eep-1,
    0x1.9212c39c117b3p+0, 0x1.fee3222da1dd3p-1,    0x1.91330f0143dbap+0, 0x1.fee2cbf5d9fabp-1,
    0x1.9053934e4657p+0, 0x1.fee273d70c88ap-1,    0x1.8f744f31e818fp+0, 0x1.fee219cf421c7p-1,
    0x1.8e95415c8c307p+0, 0x1.fee1bddc6ddc5p-1,    0x1.8db668801b18ep+0, 0x1.fee15ffc6d593p-1,
    0x1.8cd7c34ff4658p+0, 0x1.fee1002d08666p-1,    0x1.8bf95080e08d6p+0, 0x1.fee09e6bf0eeap-1,
    0x1.8b1b0ec902d69p+0, 0x1.fee03ab6c2c74p-1,    0x1.8a3cfcdfcb5fp+0, 0x1.fedfd50b037fep-1,
    0x1.895f197de9411p+0, 0x1.fedf6d6622308p-1,    0x1.8881635d3cd2ep+0, 0x1.fedf03c577449p-1,
    0x1.87a3d938c9fe7p+0, 0x1.fede982644432p-1,    0x1.86c679ccaab12p+0, 0x1.fede2a85b3958p-1,
    0x1.85e943d601616p+0, 0x1.feddbae0d849ep-1,    0x1.850c3612eba8bp+0, 0x1.fedd4934add42p-1,
    0x1.842f4f4274f0cp+0, 0x1.fedcd57e17cb4p-1,    0x1.83528e248931fp+0, 0x1.fedc5fb9e1a5p-1,
    0x1.8275f179e7c27p+0, 0x1.fedbe7e4be6dcp-1,    0x1.819978041633fp+0, 0x1.fedb6dfb487cep-1,
    0x1.80bd2085533e1p+0, 0x1.fedaf1fa01288p-1,    0x1.7fe0e9c089b5bp+0, 0x1.feda73dd5073bp-1,
    0x1.7f04d279438e2p+0, 0x1.fed9f3a184baep-1,    0x1.7e28d9739ce38p+0, 0x1.fed97142d25d9p-1,
    0x1.7d4cfd74370d4p+0, 0x1.fed8ecbd5363p-1,    0x1.7c713d402bb64p+0, 0x1.fed8660d071dfp-1,
    0x1.7b95979cfffaap+0, 0x1.fed7dd2dd1cb4p-1,    0x1.7aba0b5097888p+0, 0x1.fed7521b7c2e3p-1,
    0x1.79de972127c35p+0, 0x1.fed6c4d1b3285p-1,    0x1.790339d52ae7ap+0, 0x1.fed6354c074f4p-1,
    0x1.7827f233532ebp+0, 0x1.fed5a385ec7cep-1,    0x1.774cbf027def8p+0, 0x1.fed50f7ab95d4p-1,
    0x1.76719f09a6bcap+0, 0x1.fed47925a6f8cp-1,    0x1.7596910fda7d7p+0, 0x1.fed3e081d038cp-1,
    0x1.74bb93dc2a809p+0, 0x1.fed3458a316aap-1,    0x1.73e0a6359f873p+0, 0x1.fed2a839a7bc5p-1,
    0x1.7305c6e32cc6cp+0, 0x1.fed2088af0b68p-1,    0x1.722af4aba2e07p+0, 0x1.fed16678a9b15p-1,
    0x1.71502e55a2cc7p+0, 0x1.fed0c1fd4f452p-1,    0x1.707572a790b7bp+0, 0x1.fed01b133cb6cp-1,
    0x1.6f9ac06786d2ap+0, 0x1.fecf71b4ab5eep-1,    0x1.6ec0165b480fap+0, 0x1.fecec5dbb20c7p-1,
    0x1.6de5734832cefp+0, 0x1.fece178244629p-1,    0x1.6d0ad5f333778p+0, 0x1.fecd66a232311p-1,
    0x1.6c303d20b6fa5p+0, 0x1.feccb33526c83p-1,    0x1.6b55a7949d3f8p+0, 0x1.fecbfd34a8462p-1,
    0x1.6a7b14122b7a7p+0, 0x1.fecb449a16df7p-1,    0x1.69a0815bfe642p+0, 0x1.feca895eac228p-1,
    0x1.68c5ee33fc5a4p+0, 0x1.fec9cb7b7a34p-1,    0x1.67eb595b4760ap+0, 0x1.fec90ae96b05cp-1,
    0x1.6710c1922f037p+0, 0x1.fec847a13f87ap-1,    0x1.6636259822192p+0, 0x1.fec7819b8ed1fp-1,
    0x1.655b842ba0616p+0, 0x1.fec6b8d0c548ap-1,    0x1.6480dc0a2bffdp+0, 0x1.fec5ed3923b8ep-1,
    0x1.63a62bf03ad08p+0, 0x1.fec51eccbe6e5p-1,    0x1.62cb729927943p+0, 0x1.fec44d837c423p-1,
    0x1.61f0aebf22f2cp+0, 0x1.fec3795515a24p-1,    0x1.6115df1b24515p+0, 0x1.fec2a23913903p-1,
    0x1.603b0264da7a7p+0, 0x1.fec1c826ce997p-1,    0x1.5f6017529c163p+0, 0x1.fec0eb156dc66p-1,
    0x1.5e851c9957f02p+0, 0x1.fec00afbe5812p-1,    0x1.5daa10ec8508ap+0, 0x1.febf27d0f673bp-1,
    0x1.5ccef2fe126fdp+0, 0x1.febe418b2c5cdp-1,    0x1.5bf3c17e56e77p+0, 0x1.febd5820dcdc2p-1,
    0x1.5b187b1c0049cp+0, 0x1.febc6b8826341p-1,    0x1.5a3d1e8402b2cp+0, 0x1.febb7bb6ee01ap-1,
    0x1.5961aa6187692p+0, 0x1.feba88a2dfea6p-1,    0x1.58861d5ddb84ep+0, 0x1.feb992416c3fap-1,
    0x1.57aa76205e50cp+0, 0x1.feb89887c6961p-1,    0x1.56ceb34e6f63cp+0, 0x1.feb79b6ae452ep-1,
    0x1.55f2d38b5c701p+0, 0x1.feb69adf7b2bep-1,    0x1.5516d5784ec4bp+0, 0x1.feb596d9ff9cbp-1,
    0x1.543ab7b4387ecp+0, 0x1.feb48f4ea34e5p-1,    0x1.535e78dbc167bp+0, 0x1.feb3843153715p-1,
    0x1.52821789337c9p+0, 0x1.feb27575b70bdp-1,    0x1.51a59254671c8p+0, 0x1.feb1630f2d37bp-1,
    0x1.50c8e7d2aed9fp+0, 0x1.feb04cf0cb53ap-1,    0x1.4fec1696c2ebdp+0, 0x1.feaf330d5b23fp-1,
    0x1.4f0f1d30ac3b2p+0, 0x1.feae155758e3fp-1,    0x1.4e31fa2daf092p+0, 0x1.feacf3c0f147bp-1,
    0x1.4d54ac18352abp+0, 0x1.feabce3bff6c7p-1,    0x1.4c773177b7d52p+0, 0x1.feaaa4ba0ab6cp-1,
    0x1.4b9988d0a8f7ap+0, 0x1.fea9772c449fdp-1,    0x1.4abbb0a45c1e9p+0, 0x1.fea84583866f2p-1,
    0x1.49dda770eedb7p+0, 0x1.fea70fb04ee06p-1,    0x1.48ff6bb130ad3p+0, 0x1.fea5d5a2bfb5fp-1,
    0x1.4820fbdc8a653p+0, 0x1.fea4974a9b34cp-1,    0x1.47425666e502ep+0, 0x1.fea35497418bdp-1,
    0x1.466379c090027p+0, 0x1.fea20d77ae23ap-1,    0x1.458464562718bp+0, 0x1.fea0c1da74d6ep-1,
    0x1.44a514907757ap+0, 0x1.fe9f71adbf11ap-1,    0x1.43c588d463b57p+0, 0x1.fe9e1cdf48d79p-1,
    0x1.42e5bf82c8f15p+0, 0x1.fe9cc35c5daf2p-1,    0x1.4205b6f860cf8p+0, 0x1.fe9b6511d570ep-1,
    0x1.41256d8da4a6fp+0, 0x1.fe9a01ec10fabp-1,    0x1.4044e196af3a8p+0, 0x1.fe9899d6f6c3dp-1,
    0x1.3f6411631dd6bp+0, 0x1.fe972cbdef528p-1,    0x1.3e82fb3df0adcp+0, 0x1.fe95ba8be190cp-1,
    0x1.3da19d6d6a6afp+0, 0x1.fe94432b2eff4p-1,    0x1.3cbff632eef5bp+0, 0x1.fe92c685afc48p-1,
    0x1.3bde03cae15d3p+0, 0x1.fe914484ae97dp-1,    0x1.3afbc46c80e4bp+0, 0x1.fe8fbd10e485p-1,
    0x1.3a193649c527fp+0, 0x1.fe8e30127489cp-1,    0x1.3936578f39508p+0, 0x1.fe8c9d70e7063p-1,
    0x1.38532663d6514p+0, 0x1.fe8b051325056p-1,    0x1.376fa0e8dc20dp+0, 0x1.fe8966df73559p-1,
    0x1.368bc539a9e83p+0, 0x1.fe87c2bb6d72cp-1,    0x1.35a7916b951c5p+0, 0x1.fe86188c003e7p-1,
    0x1.34c3038dbf77dp+0, 0x1.fe8468356484cp-1,    0x1.33de19a8ebca8p+0, 0x1.fe82b19b194a4p-1,
    0x1.32f8d1bf51934p+0, 0x1.fe80f49fdde28p-1,    0x1.321329cc6f589p+0, 0x1.fe7f3125abcadp-1,
    0x1.312d1fc4dbb41p+0, 0x1.fe7d670db046fp-1,    0x1.3046b19615033p+0, 0x1.fe7b963845be9p-1,
    0x1.2f5fdd264fb16p+0, 0x1.fe79be84ecd56p-1,    0x1.2e78a054430c6p+0, 0x1.fe77dfd2453e2p-1,
    0x1.2d90f8f6f4955p+0, 0x1.fe75f9fe06427p-1,    0x1.2ca8e4dd81bf1p+0, 0x1.fe740ce4f6fdbp-1,
    0x1.2bc061cee809fp+0, 0x1.fe721862e646dp-1,    0x1.2ad76d89cb6cep+0, 0x1.fe701c52a2445p-1,
    0x1.29ee05c43afa1p+0, 0x1.fe6e188defa88p-1,    0x1.2904282b73ae3p+0, 0x1.fe6c0ced808e7p-1,
    0x1.2819d263a1563p+0, 0x1.fe69f948eaf6dp-1,    0x1.272f02079d79p+0, 0x1.fe67dd769edbep-1,
    0x1.2643b4a8ac2fcp+0, 0x1.fe65b94bdbdbap-1,    0x1.2557e7ce36d7ap+0, 0x1.fe638c9ca66e7p-1,
    0x1.246b98f584863p+0, 0x1.fe61573bbca91p-1,    0x1.237ec59170293p+0, 0x1.fe5f18fa8a7f4p-1,
    0x1.22916b0a1c384p+0, 0x1.fe5cd1a91d84fp-1,    0x1.21a386bca3df4p+0, 0x1.fe5a81161823fp-1,
    0x1.20b515fac9858p+0, 0x1.fe58270ea440dp-1,    0x1.1fc6160aa2956p+0, 0x1.fe55c35e65477p-1,
    0x1.1ed684264066ap+0, 0x1.fe5355cf69961p-1,    0x1.1de65d7b562b8p+0, 0x1.fe50de2a1b3ecp-1,
    0x1.1cf59f2adbbfap+0, 0x1.fe4e5c353017p-1,    0x1.1c044648ad35ep+0, 0x1.fe4bcfb5990cp-1,
    0x1.1b124fdb27013p+0, 0x1.fe49386e70ae9p-1,    0x1.1a1fb8dabe90ep+0, 0x1.fe469620e8f09p-1,
    0x1.192c7e319738fp+0, 0x1.fe43e88c3804fp-1,    0x1.18389cbb133b9p+0, 0x1.fe412f6d84564p-1,
    0x1.1744114360c6ap+0, 0x1.fe3e6a7fcf892p-1,    0x1.164ed88702b6ap+0, 0x1.fe3b997be079cp-1,
    0x1.1558ef3254eccp+0, 0x1.fe38bc182c289p-1,    0x1.146251e10c047p+0, 0x1.fe35d208bd842p-1,
    0x1.136afd1db0306p+0, 0x1.fe32daff1c00bp-1,    0x1.1272ed6113055p+0, 0x1.fe2fd6aa30eb6p-1,
    0x1.117a1f11bff4ep+0, 0x1.fe2cc4b62b65dp-1,    0x1.10808e8367376p+0, 0x1.fe29a4cc62f5cp-1,
    0x1.0f8637f642e03p+0, 0x1.fe26769338945p-1,    0x1.0e8b179675d47p+0, 0x1.fe2339adf622ep-1,
    0x1.0d8f297b6456ap+0, 0x1.fe1fedbcac2fap-1,    0x1.0c9269a705d6ep+0, 0x1.fe1c925c0deddp-1,
    0x1.0b94d4052fb17p+0, 0x1.fe1927254b455p-1,    0x1.0a96646ad880dp+0, 0x1.fe15abade8dc2p-1,
    0x1.0997169553a39p+0, 0x1.fe121f8795f6ap-1,    0x1.0896e629848ecp+0, 0x1.fe0e8240000fap-1,
    0x1.0795ceb309823p+0, 0x1.fe0ad360a3feap-1,    0x1.0693cba35d2abp+0, 0x1.fe07126e9c861p-1,
    0x1.0590d850eeb89p+0, 0x1.fe033eea6e1e1p-1,    0x1.048ceff62fe96p+0, 0x1.fdff584fcfcd2p-1,
    0x1.03880db0987b1p+0, 0x1.fdfb5e1570dadp-1,    0x1.02822c7f9e75cp+0, 0x1.fdf74facbb2a9p-1,
    0x1.017b4743a2b1bp+0, 0x1.fdf32c8191ffbp-1,    0x1.007358bcd0f2ap+0, 0x1.fdeef3fa0cee1p-1,
    0x1.fed4b713e5d07p-1, 0x1.fdeaa5762eb54p-1,    0x1.fcc0944e6aafdp-1, 0x1.fde6404f97ba2p-1,
    0x1.faaa3dd9bd4e2p-1, 0x1.fde1c3d933d21p-1,    0x1.f891a81bebdf5p-1, 0x1.fddd2f5ee3095p-1,
    0x1.f676c72db375p-1, 0x1.fdd882251d093p-1,    0x1.f4598ed78ad64p-1, 0x1.fdd3bb688eb7ap-1,
    0x1.f239f28e88aecp-1, 0x1.fdceda5db1a74p-1,    0x1.f017e57122e7cp-1, 0x1.fdc9de305cdf5p-1,
    0x1.edf35a43c4d3dp-1, 0x1.fdc4c6034e7bfp-1,    0x1.ebcc436d39aadp-1, 0x1.fdbf90efad9e2p-1,
    0x1.e9a292f2e8a7fp-1, 0x1.fdba3e0484114p-1,    0x1.e7763a74dfe67p-1, 0x1.fdb4cc462f048p-1,
    0x1.e5472b29aae58p-1, 0x1.fdaf3aadc622dp-1,    0x1.e31555d9f15e6p-1, 0x1.fda988287847fp-1,
    0x1.e0e0aadbdad9fp-1, 0x1.fda3b396dcfa8p-1,    0x1.dea91a0e33299p-1, 0x1.fd9dbbcc39c6ep-1,
    0x1.dc6e92d34b9fdp-1, 0x1.fd979f8dba749p-1,    0x1.da31040b948bep-1, 0x1.fd915d919b07ap-1,
    0x1.d7f05c0fea274p-1, 0x1.fd8af47e42542p-1,    0x1.d5ac88ab8fbbep-1, 0x1.fd8462e94bd96p-1,
    0x1.d3657715d3609p-1, 0x1.fd7da7567f72p-1,    0x1.d11b13eb5431fp-1, 0x1.fd76c036b5435p-1,
    0x1.cecd4b26e46cap-1, 0x1.fd6fabe6a42dep-1,    0x1.cc7c081a003ep-1, 0x1.fd6868ad98d36p-1,
    0x1.ca273564d186ap-1, 0x1.fd60f4bc1312fp-1,    0x1.c7cebcedb81cbp-1, 0x1.fd594e2a47a28p-1,
    0x1.c57287d84d5e9p-1, 0x1.fd5172f683304p-1,    0x1.c3127e7bd918bp-1, 0x1.fd4961036c29fp-1,
    0x1.c0ae88592cd89p-1, 0x1.fd4116161ffd4p-1,    0x1.be468c0fd9cbbp-1, 0x1.fd388fd42845bp-1,
    0x1.bbda6f52b42f8p-1, 0x1.fd2fcbc143f95p-1,    0x1.b96a16db96204p-1, 0x1.fd26c73d00332p-1,
    0x1.b6f5665e523d6p-1, 0x1.fd1d7f801bb6p-1,    0x1.b47c407ac519ap-1, 0x1.fd13f199afb2fp-1,
    0x1.b1fe86adf2c46p-1, 0x1.fd0a1a6c17b78p-1,    0x1.af7c19421bdfbp-1, 0x1.fcfff6a991e81p-1,
    0x1.acf4d73db3a42p-1, 0x1.fcf582d08fd7fp-1,    0x1.aa689e511de4bp-1, 0x1.fceabb27af5bfp-1,
    0x1.a7d74ac319919p-1, 0x1.fcdf9bb95196bp-1,    0x1.a540b75bb94efp-1, 0x1.fcd4204ec545dp-1,
    0x1.a2a4bd4dc8779p-1, 0x1.fcc8446af7e13p-1,    0x1.a003341e77371p-1, 0x1.fcbc03449f7c6p-1,
    0x1.9d5bf18b24499p-1, 0x1.fcaf57bfcd70fp-1,    0x1.9aaec96d16442p-1, 0x1.fca23c66d7a9p-1,
    0x1.97fb8d9af1048p-1, 0x1.fc94ab6283d96p-1,    0x1.95420dc7aded9p-1, 0x1.fc869e715d05fp-1,
    0x1.9282175ed6ca1p-1, 0x1.fc780ede18426p-1,    0x1.8fbb755dbb74dp-1, 0x1.fc68f574e9a73p-1,
    0x1.8cedf02951954p-1, 0x1.fc594a77a5c24p-1,    0x1.8a194d6063a55p-1, 0x1.fc490590865dbp-1,
    0x1.873d4fa9a8e83p-1, 0x1.fc381dc36303cp-1,    0x1.8459b67d52abp-1, 0x1.fc26895d261dap-1,
    0x1.816e3de98bdc2p-1, 0x1.fc143de13e8edp-1,    0x1.7e7a9e51564e4p-1, 0x1.fc012ff4c31a5p-1,
    0x1.7b7e8c251c819p-1, 0x1.fbed5346f036p-1,    0x1.7879b79436f88p-1, 0x1.fbd89a7699dacp-1,
    0x1.756bcc36885c6p-1, 0x1.fbc2f6f418cc7p-1,    0x1.725470ad3344dp-1, 0x1.fbac58df250f6p-1,
    0x1.6f3346394666fp-1, 0x1.fb94aedff4f8bp-1,    0x1.6c07e8470f28ap-1, 0x1.fb7be5fad86c6p-1,
    0x1.68d1ebec8db57p-1, 0x1.fb61e95d6107cp-1,    0x1.6590df594703cp-1, 0x1.fb46a223f8861p-1,
    0x1.6244493566a94p-1, 0x1.fb29f7168c4dp-1,    0x1.5eeba7edc943bp-1, 0x1.fb0bcc5aad15p-1,
    0x1.5b8670ea1d5eap-1, 0x1.faec03192834cp-1,    0x1.58140fa9c7f44p-1, 0x1.faca7914b094p-1,
    0x1.5493e4c39dbeep-1, 0x1.faa7082ea15c8p-1,    0x1.510544c3c4e64p-1, 0x1.fa8185d633e5dp-1,
    0x1.4d6776e22aa49p-1, 0x1.fa59c25da21b4p-1,    0x1.49b9b38adb5b5p-1, 0x1.fa2f882f8ff2ap-1,
    0x1.45fb22b02af8ep-1, 0x1.fa029adda5a04p-1,    0x1.422ad9dce4f11p-1, 0x1.f9d2b5ff65ebcp-1,
    0x1.3e47d9fa95e79p-1, 0x1.f99f8bd5db178p-1,    0x1.3a510cbd4cf08p-1, 0x1.f968c3a57da43p-1,
    0x1.364541a2c3712p-1, 0x1.f92df7b372481p-1,    0x1.32232a6e7634dp-1, 0x1.f8eeb2cd8131ap-1,
    0x1.2de957068fc96p-1, 0x1.f8aa6d3c650bap-1,    0x1.2996308e24ac7p-1, 0x1.f86088f56ebep-1,
    0x1.2527f38f92625p-1, 0x1.f8104cd1c2084p-1,    0x1.209ca8fcf8a47p-1, 0x1.f7b8de7ccaf94p-1,
    0x1.1bf21dbb86cfdp-1, 0x1.f7593aae3922dp-1,    0x1.1725d856f2603p-1, 0x1.f6f02b19899fap-1,
    0x1.12350c5a4272fp-1, 0x1.f67c393f4a21dp-1,    0x1.0d1c8a9e4a1dap-1, 0x1.f5fb9cf01fa82p-1,
    0x1.07d8ad9ec0602p-1, 0x1.f56c24c5dd9b6p-1,    0x1.0265408baa01bp-1, 0x1.f4cb15fea041ep-1,
    0x1.f97abe8e474e6p-2, 0x1.f414ffcf42c6fp-1,    0x1.edb6996fa4267p-2, 0x1.f3457c16398fcp-1,
    0x1.e170774da38a3p-2, 0x1.f256d3b6dbd71p-1,    0x1.d498090258f8ap-2, 0x1.f14176a41cefap-1,
    0x1.c7197ea1296bbp-2, 0x1.effb2c75f00fap-1,    0x1.b8dc687169249p-2, 0x1.ee75cd9ae0e78p-1,
    0x1.a9c2182ce6216p-2, 0x1.ec9d2ca7a40e8p-1,    0x1.99a33661a437ap-2, 0x1.ea53839b9e26fp-1,
    0x1.884c044c86d8dp-2, 0x1.e76b008ed25a8p-1,    0x1.75764a671e832p-2, 0x1.e39954eafd46ep-1,
    0x1.60beeefa531cep-2, 0x1.de5da04d6a965p-1,    0x1.4992c23b1ce45p-2, 0x1.d6c370e9f5207p-1,
    0x1.2f07865ff099p-2, 0x1.cabcf283cc99ap-1,    0x1.0f818f7fb97b6p-2, 0x1.b4eed793183cap-1,
    0x1.cf65f77ac142bp-3, 0x1.819ecbd7248b9p-1,    0x1.5d03e58cd3386p-3, 0x0p+0,
    0x0p+0, 0x0p+0,  // x[512] = 0 (the top layer's upper edge), unused ratio
};
static const double exp_table[64] = {
    0x1p+0,    0x1.02c9a3e778061p+0,    0x1.059b0d3158574p+0,    0x1.0874518759bc8p+0,
    0x1.0b5586cf9890fp+0,    0x1.0e3ec32d3d1a2p+0,    0x1.11301d0125b51p+0,    0x1.1429aaea92dep+0,
    0x1.172b83c7d517bp+0,    0x1.1a35beb6fcb75p+0,    0x1.1d4873168b9aap+0,    0x1.2063b88628cd6p+0,
    0x1.2387a6e756238p+0,    0x1.26b4565e27cddp+0,    0x1.29e9df51fdee1p+0,    0x1.2d285a6e4030bp+0,
    0x1.306fe0a31b715p+0,    0x1.33c08b26416ffp+0,    0x1.371a7373aa9cbp+0,    0x1.3a7db34e59ff7p+0,
    0x1.3dea64c123422p+0,    0x1.4160a21f72e2ap+0,    0x1.44e086061892dp+0,    0x1.486a2b5c13cdp+0,
    0x1.4bfdad5362a27p+0,    0x1.4f9b2769d2ca7p+0,    0x1.5342b569d4f82p+0,    0x1.56f4736b527dap+0,
    0x1.5ab07dd485429p+0,    0x1.5e76f15ad2148p+0,    0x1.6247eb03a5585p+0,    0x1.6623882552225p+0,
    0x1.6a09e667f3bcdp+0,    0x1.6dfb23c651a2fp+0,    0x1.71f75e8ec5f74p+0,    0x1.75feb564267c9p+0,
    0x1.7a11473eb0187p+0,    0x1.7e2f336cf4e62p+0,    0x1.82589994cce13p+0,    0x1.868d99b4492edp+0,
    0x1.8ace5422aa0dbp+0,    0x1.8f1ae99157736p+0,    0x1.93737b0cdc5e5p+0,    0x1.97d829fde4e5p+0,
    0x1.9c49182a3f09p+0,    0x1.a0c667b5de565p+0,    0x1.a5503b23e255dp+0,    0x1.a9e6b5579fdbfp+0,
    0x1.ae89f995ad3adp+0,    0x1.b33a2b84f15fbp+0,    0x1.b7f76f2fb5e47p+0,    0x1.bcc1e904bc1d2p+0,
    0x1.c199bdd85529cp+0,    0x1.c67f12e57d14bp+0,    0x1.cb720dcef9069p+0,    0x1.d072d4a07897cp+0,
    0x1.d5818dcfba487p+0,    0x1.da9e603db3285p+0,    0x1.dfc97337b9b5fp+0,    0x1.e502ee78b3ff6p+0,
    0x1.ea4afa2a490dap+0,    0x1.efa1bee615a27p+0,    0x1.f50765b6e454p+0,    0x1.fa7c1819e90d8p+0,
};

const double *const frg_ziggurat_table = ziggurat;

#define ZIGGURAT_R 3.852046150368391

// Draws per vectorized block (the slow-path passes need enough rejected draws to fill lanes).
#define FRG_BLOCK 1024

#if defined(__x86_64__) && defined(__linux__)
// One clone per instruction-set level, chosen when the program loads (GNU ifunc).
#define FRG_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define FRG_CLONES
#endif

static inline __attribute__((always_inline)) double exp_body(double x) {
    const double magic = 6755399441055744.0;  // 1.5 · 2⁵²: rounds to an integer in the low bits
    double shifted = fma(x, 64 * 1.4426950408889634, magic);
    double k = shifted - magic;
    double r = fma(k, -2.5728046223276688e-14, fma(k, -0.010830424696223417, x));
    double p = fma(1.0 / 120, r, 1.0 / 24);
    p = fma(p, r, 1.0 / 6);
    p = fma(p, r, 0.5);
    p = fma(p, r, 1);
    p = fma(p, r, 1);
    uint64_t bits;
    __builtin_memcpy(&bits, &shifted, sizeof bits);
    // The low bits of `shifted` hold k + 2⁵¹ in two's complement: j = k mod 64, m = k div 64.
    uint64_t scale_bits = ((bits >> 6) + 1023) << 52;
    double scale;
    __builtin_memcpy(&scale, &scale_bits, sizeof scale);
    return p * exp_table[bits & 63] * scale;
}

/// The private continuation of a draw that left the ziggurat's fast region: the SplitMix64
/// sequence `mix64(start + n·γ)`, n = 1, 2, …, from `start = mix64(slow_key + γ·counter)`, with
/// `slow_key = mix64(key ⊕ 0x9E3779B97F4A7C15)` — a hash, so it shares no structure with the
/// main counters.
static inline uint64_t frg_slow_key(uint64_t key) { return frg_mix64(key ^ 0x9E3779B97F4A7C15ULL); }

typedef struct { uint64_t state; } slow_stream;

static inline double slow_uniform(slow_stream *s) {
    s->state += FRG_GAMMA;
    return ((double)(frg_mix64(s->state) >> 11) + 0.5) * 0x1p-53;
}

double frg_normal_slow(uint64_t key, uint64_t counter, double u, unsigned layer) {
    slow_stream s = { frg_mix64(frg_slow_key(key) + FRG_GAMMA * counter) };
    const double *t = ziggurat;
    for (;;) {
        if (layer == 0) {
            // Tail beyond r (Marsaglia 1964).
            double x, y;
            do {
                x = log(slow_uniform(&s)) / ZIGGURAT_R;
                y = log(slow_uniform(&s));
            } while (-2 * y < x * x);
            return u < 0 ? x - ZIGGURAT_R : ZIGGURAT_R - x;
        }
        // Wedge of layer `layer`: accept x if a uniform height between f(x[layer]) and
        // f(x[layer+1]) lies below f(x) (all three divided by f(x)).
        double xl = t[2 * layer], xn = t[2 * layer + 2];
        double x = u * xl;
        double f0 = exp_body(-0.5 * (xl * xl - x * x));
        double f1 = exp_body(-0.5 * (xn * xn - x * x));
        if (f1 + slow_uniform(&s) * (f0 - f1) < 1.0) return x;
        // Rejected: a new candidate from the private sequence.
        s.state += FRG_GAMMA;
        uint64_t bits = frg_mix64(s.state);
        layer = (unsigned)(bits & (FRG_ZIGGURAT_LAYERS - 1));
        u = frg_abscissa(bits);
        double a = u < 0 ? -u : u;
        if (a < t[2 * layer + 1]) return u * t[2 * layer];
    }
}

/// Fast-path normals for `count` ≤ FRG_BLOCK consecutive draws starting at `counter`, then the slow
/// path for the rejected ones. Each pass is a branch-free loop that every clone vectorizes:
/// (1) the fast region for all draws; (2) the indices of the 0.8 % rejected ones; (3) for those,
/// the wedge test and, if it fails, the fast test of the next candidate, which together settle
/// all but ≈ 1e-4 of draws; (4) what is left (the tail, rare double rejections) through
/// `frg_normal_slow`, which repeats the same steps in the same order and goes on.
static inline __attribute__((always_inline))
void normals_block(uint64_t key, uint64_t slow_key, uint64_t counter, size_t count, double *restrict out) {
    unsigned char rejected[FRG_BLOCK];
    unsigned index[FRG_BLOCK];
    unsigned char again[FRG_BLOCK];
    double value[FRG_BLOCK];
    unsigned any = 0;
    uint64_t base = key + FRG_GAMMA * counter;
    uint64_t state = base;  // base + γ·j, as an induction variable (no multiply per draw)
    for (size_t j = 0; j < count; j++, state += FRG_GAMMA) {
        uint64_t bits = frg_mix64(state);
        unsigned layer = (unsigned)(bits & (FRG_ZIGGURAT_LAYERS - 1));
        double u = frg_abscissa(bits);
        double a = u < 0 ? -u : u;
        unsigned char r = !(a < ziggurat[2 * layer + 1]);
        out[j] = u * ziggurat[2 * layer];
        rejected[j] = r;
        any |= r;
    }
    if (!any) return;
    // `rejected` is padded with zeros to a multiple of 8, so it can be scanned a word at a time.
    for (size_t j = count; j < ((count + 7) & ~(size_t)7); j++) rejected[j] = 0;
    size_t m = 0;
    for (size_t g = 0; g < count; g += 8) {
        uint64_t word;
        __builtin_memcpy(&word, rejected + g, sizeof word);
        while (word) {
            index[m++] = (unsigned)(g + (size_t)(__builtin_ctzll(word) >> 3));
            word &= word - 1;
        }
    }
    unsigned more = 0;
    for (size_t t = 0; t < m; t++) {
        uint64_t j = index[t];
        uint64_t bits = frg_mix64(base + FRG_GAMMA * j);
        unsigned layer = (unsigned)(bits & (FRG_ZIGGURAT_LAYERS - 1));
        double u = frg_abscissa(bits);
        double xl = ziggurat[2 * layer], xn = ziggurat[2 * layer + 2];
        double x = u * xl;
        double f0 = exp_body(-0.5 * (xl * xl - x * x));
        double f1 = exp_body(-0.5 * (xn * xn - x * x));
        uint64_t start = frg_mix64(slow_key + FRG_GAMMA * (counter + j));
        double uniform = ((double)(frg_mix64(start + FRG_GAMMA) >> 11) + 0.5) * 0x1p-53;
        unsigned char wedge = (layer != 0) & (f1 + uniform * (f0 - f1) < 1.0);
        // After a wedge rejection the next candidate is the private sequence's second word.
        uint64_t bits2 = frg_mix64(start + 2 * FRG_GAMMA);
        unsigned layer2 = (unsigned)(bits2 & (FRG_ZIGGURAT_LAYERS - 1));
        double u2 = frg_abscissa(bits2);
        double a2 = u2 < 0 ? -u2 : u2;
        unsigned char fast2 = (layer != 0) & (a2 < ziggurat[2 * layer2 + 1]);
        value[t] = wedge ? x : u2 * ziggurat[2 * layer2];
        again[t] = !(wedge | fast2);
        more |= again[t];
    }
    for (size_t t = 0; t < m; t++) {
        if (!again[t]) out[index[t]] = value[t];
    }
    if (!more) return;
    for (size_t t = 0; t < m; t++) {
        if (again[t]) {
            uint64_t j = index[t];
            uint64_t bits = frg_mix64(base + FRG_GAMMA * j);
            out[j] = frg_normal_slow(key, counter + j, frg_abscissa(bits), (unsigned)(bits & (FRG_ZIGGURAT_LAYERS - 1)));
        }
    }
}

static inline __attribute__((always_inline))
void normals_body(uint64_t key, uint64_t stream, uint64_t first, size_t count, double *out) {
    uint64_t counter = frg_counter(stream, first);
    uint64_t slow_key = frg_slow_key(key);
    for (size_t done = 0; done < count; done += FRG_BLOCK) {
        size_t n = count - done < FRG_BLOCK ? count - done : FRG_BLOCK;
        normals_block(key, slow_key, counter + done, n, out + done);
    }
}

FRG_CLONES
void frg_normals(uint64_t key, uint64_t stream, uint64_t first, size_t count, double *out) {
    normals_body(key, stream, first, count, out);
}

double frg_exp(double x) { return exp_body(x); }

FRG_CLONES
void frg_exp_array(const double *restrict x, double *restrict y, size_t count) {
    for (size_t i = 0; i < count; i++) y[i] = exp_body(x[i]);
}

/// The direct network's neuron loop over W0 = z[i], b0 = z[capacity + i], W1 = z[2·capacity + i]
/// (unscaled). Inlined with a constant `points` for the common point counts, so the 8-lane
/// accumulators live in registers.
static inline __attribute__((always_inline))
void direct_sum(const double *restrict z, size_t capacity, int points, double x0, double h,
                double weight_scale, double bias_scale, double readout_scale, double shift,
                double *restrict acc) {
    // Eight neurons per step as one 8-lane vector (GNU vector extension: each clone lowers it to
    // its own registers — one zmm, two ymm or four xmm — with the same arithmetic).
    typedef double lanes8 __attribute__((vector_size(64), aligned(8)));
    lanes8 sums[FRG_DIRECT_MAX_POINTS];
    for (int p = 0; p < points; p++) sums[p] = (lanes8){0};
    for (size_t block = 0; block < capacity; block += 8) {
        double cs[8], rs[8];
        for (int l = 0; l < 8; l++) {
            size_t i = block + (size_t)l;
            double w = weight_scale * z[i];
            double b = fma(bias_scale, z[capacity + i], -shift);
            double a = readout_scale * z[2 * capacity + i];
            cs[l] = a * exp_body(fma(w, x0, b));
            rs[l] = exp_body(w * h);
        }
        lanes8 c, r;
        __builtin_memcpy(&c, cs, sizeof c);
        __builtin_memcpy(&r, rs, sizeof r);
        for (int p = 0; p < points; p++) {
            sums[p] += c;
            c *= r;
        }
    }
    for (int p = 0; p < points; p++) __builtin_memcpy(acc + 8 * p, &sums[p], sizeof sums[p]);
}

#define DIRECT_CASE(n)                                                                             \
    case n: {                                                                                      \
        double local[8 * n];                                                                       \
        direct_sum(z, capacity, n, x0, h, weight_scale, bias_scale, readout_scale, shift, local);  \
        for (int k = 0; k < 8 * n; k++) acc[k] = local[k];                                         \
        break;                                                                                     \
    }

FRG_CLONES
void frg_gaussnet_direct(uint64_t key, uint64_t stream, uint64_t first, int width, int points,
                         double x0, double h, double weight_scale, double bias_scale,
                         double readout_scale, double shift, double *scratch, double *field) {
    size_t capacity = ((size_t)width + 7) & ~(size_t)7;
    double *restrict z = scratch;
    double *restrict acc = scratch + 3 * capacity;
    // W0, b0 and W1 of all neurons, each block padded to `capacity` with zeros: a padding neuron
    // has W1 = 0 and adds exactly 0.
    for (int part = 0; part < 3; part++) {
        double *block = z + (size_t)part * capacity;
        normals_body(key, stream, first + (uint64_t)part * (uint64_t)width, (size_t)width, block);
        for (size_t i = (size_t)width; i < capacity; i++) block[i] = 0;
    }
    switch (points) {
        DIRECT_CASE(1) DIRECT_CASE(2) DIRECT_CASE(3) DIRECT_CASE(4)
        DIRECT_CASE(5) DIRECT_CASE(6) DIRECT_CASE(7) DIRECT_CASE(8)
    default:
        direct_sum(z, capacity, points, x0, h, weight_scale, bias_scale, readout_scale, shift, acc);
    }
    for (int p = 0; p < points; p++) {
        const double *a = acc + 8 * p;
        field[p] = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
    }
}
