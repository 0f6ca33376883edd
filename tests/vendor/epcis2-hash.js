/*! epcis2.js 2.7.3 (Apache-2.0, EVRYTHNG Ltd / GS1 France), src/hash_generator/*,
    with crypto-js 3.3.0 (MIT, Jeff Mott / Evan Vosberg), bundled unminified by
    esbuild 0.28.2 with scripts/vendor-epcis-hash.sh; see LICENSE.epcis2 and
    LICENSE.crypto-js. Exports eventToHashedId(event, context) and
    eventToPreHashedString(event, context). */
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// node_modules/crypto-js/core.js
var require_core = __commonJS({
  "node_modules/crypto-js/core.js"(exports2, module2) {
    (function(root, factory) {
      if (typeof exports2 === "object") {
        module2.exports = exports2 = factory();
      } else if (typeof define === "function" && define.amd) {
        define([], factory);
      } else {
        root.CryptoJS = factory();
      }
    })(exports2, function() {
      var CryptoJS = CryptoJS || (function(Math2, undefined) {
        var create = Object.create || /* @__PURE__ */ (function() {
          function F() {
          }
          ;
          return function(obj) {
            var subtype;
            F.prototype = obj;
            subtype = new F();
            F.prototype = null;
            return subtype;
          };
        })();
        var C = {};
        var C_lib = C.lib = {};
        var Base = C_lib.Base = /* @__PURE__ */ (function() {
          return {
            /**
             * Creates a new object that inherits from this object.
             *
             * @param {Object} overrides Properties to copy into the new object.
             *
             * @return {Object} The new object.
             *
             * @static
             *
             * @example
             *
             *     var MyType = CryptoJS.lib.Base.extend({
             *         field: 'value',
             *
             *         method: function () {
             *         }
             *     });
             */
            extend: function(overrides) {
              var subtype = create(this);
              if (overrides) {
                subtype.mixIn(overrides);
              }
              if (!subtype.hasOwnProperty("init") || this.init === subtype.init) {
                subtype.init = function() {
                  subtype.$super.init.apply(this, arguments);
                };
              }
              subtype.init.prototype = subtype;
              subtype.$super = this;
              return subtype;
            },
            /**
             * Extends this object and runs the init method.
             * Arguments to create() will be passed to init().
             *
             * @return {Object} The new object.
             *
             * @static
             *
             * @example
             *
             *     var instance = MyType.create();
             */
            create: function() {
              var instance = this.extend();
              instance.init.apply(instance, arguments);
              return instance;
            },
            /**
             * Initializes a newly created object.
             * Override this method to add some logic when your objects are created.
             *
             * @example
             *
             *     var MyType = CryptoJS.lib.Base.extend({
             *         init: function () {
             *             // ...
             *         }
             *     });
             */
            init: function() {
            },
            /**
             * Copies properties into this object.
             *
             * @param {Object} properties The properties to mix in.
             *
             * @example
             *
             *     MyType.mixIn({
             *         field: 'value'
             *     });
             */
            mixIn: function(properties) {
              for (var propertyName in properties) {
                if (properties.hasOwnProperty(propertyName)) {
                  this[propertyName] = properties[propertyName];
                }
              }
              if (properties.hasOwnProperty("toString")) {
                this.toString = properties.toString;
              }
            },
            /**
             * Creates a copy of this object.
             *
             * @return {Object} The clone.
             *
             * @example
             *
             *     var clone = instance.clone();
             */
            clone: function() {
              return this.init.prototype.extend(this);
            }
          };
        })();
        var WordArray = C_lib.WordArray = Base.extend({
          /**
           * Initializes a newly created word array.
           *
           * @param {Array} words (Optional) An array of 32-bit words.
           * @param {number} sigBytes (Optional) The number of significant bytes in the words.
           *
           * @example
           *
           *     var wordArray = CryptoJS.lib.WordArray.create();
           *     var wordArray = CryptoJS.lib.WordArray.create([0x00010203, 0x04050607]);
           *     var wordArray = CryptoJS.lib.WordArray.create([0x00010203, 0x04050607], 6);
           */
          init: function(words, sigBytes) {
            words = this.words = words || [];
            if (sigBytes != undefined) {
              this.sigBytes = sigBytes;
            } else {
              this.sigBytes = words.length * 4;
            }
          },
          /**
           * Converts this word array to a string.
           *
           * @param {Encoder} encoder (Optional) The encoding strategy to use. Default: CryptoJS.enc.Hex
           *
           * @return {string} The stringified word array.
           *
           * @example
           *
           *     var string = wordArray + '';
           *     var string = wordArray.toString();
           *     var string = wordArray.toString(CryptoJS.enc.Utf8);
           */
          toString: function(encoder) {
            return (encoder || Hex2).stringify(this);
          },
          /**
           * Concatenates a word array to this word array.
           *
           * @param {WordArray} wordArray The word array to append.
           *
           * @return {WordArray} This word array.
           *
           * @example
           *
           *     wordArray1.concat(wordArray2);
           */
          concat: function(wordArray) {
            var thisWords = this.words;
            var thatWords = wordArray.words;
            var thisSigBytes = this.sigBytes;
            var thatSigBytes = wordArray.sigBytes;
            this.clamp();
            if (thisSigBytes % 4) {
              for (var i = 0; i < thatSigBytes; i++) {
                var thatByte = thatWords[i >>> 2] >>> 24 - i % 4 * 8 & 255;
                thisWords[thisSigBytes + i >>> 2] |= thatByte << 24 - (thisSigBytes + i) % 4 * 8;
              }
            } else {
              for (var i = 0; i < thatSigBytes; i += 4) {
                thisWords[thisSigBytes + i >>> 2] = thatWords[i >>> 2];
              }
            }
            this.sigBytes += thatSigBytes;
            return this;
          },
          /**
           * Removes insignificant bits.
           *
           * @example
           *
           *     wordArray.clamp();
           */
          clamp: function() {
            var words = this.words;
            var sigBytes = this.sigBytes;
            words[sigBytes >>> 2] &= 4294967295 << 32 - sigBytes % 4 * 8;
            words.length = Math2.ceil(sigBytes / 4);
          },
          /**
           * Creates a copy of this word array.
           *
           * @return {WordArray} The clone.
           *
           * @example
           *
           *     var clone = wordArray.clone();
           */
          clone: function() {
            var clone = Base.clone.call(this);
            clone.words = this.words.slice(0);
            return clone;
          },
          /**
           * Creates a word array filled with random bytes.
           *
           * @param {number} nBytes The number of random bytes to generate.
           *
           * @return {WordArray} The random word array.
           *
           * @static
           *
           * @example
           *
           *     var wordArray = CryptoJS.lib.WordArray.random(16);
           */
          random: function(nBytes) {
            var words = [];
            var r = (function(m_w) {
              var m_w = m_w;
              var m_z = 987654321;
              var mask = 4294967295;
              return function() {
                m_z = 36969 * (m_z & 65535) + (m_z >> 16) & mask;
                m_w = 18e3 * (m_w & 65535) + (m_w >> 16) & mask;
                var result = (m_z << 16) + m_w & mask;
                result /= 4294967296;
                result += 0.5;
                return result * (Math2.random() > 0.5 ? 1 : -1);
              };
            });
            for (var i = 0, rcache; i < nBytes; i += 4) {
              var _r = r((rcache || Math2.random()) * 4294967296);
              rcache = _r() * 987654071;
              words.push(_r() * 4294967296 | 0);
            }
            return new WordArray.init(words, nBytes);
          }
        });
        var C_enc = C.enc = {};
        var Hex2 = C_enc.Hex = {
          /**
           * Converts a word array to a hex string.
           *
           * @param {WordArray} wordArray The word array.
           *
           * @return {string} The hex string.
           *
           * @static
           *
           * @example
           *
           *     var hexString = CryptoJS.enc.Hex.stringify(wordArray);
           */
          stringify: function(wordArray) {
            var words = wordArray.words;
            var sigBytes = wordArray.sigBytes;
            var hexChars = [];
            for (var i = 0; i < sigBytes; i++) {
              var bite = words[i >>> 2] >>> 24 - i % 4 * 8 & 255;
              hexChars.push((bite >>> 4).toString(16));
              hexChars.push((bite & 15).toString(16));
            }
            return hexChars.join("");
          },
          /**
           * Converts a hex string to a word array.
           *
           * @param {string} hexStr The hex string.
           *
           * @return {WordArray} The word array.
           *
           * @static
           *
           * @example
           *
           *     var wordArray = CryptoJS.enc.Hex.parse(hexString);
           */
          parse: function(hexStr) {
            var hexStrLength = hexStr.length;
            var words = [];
            for (var i = 0; i < hexStrLength; i += 2) {
              words[i >>> 3] |= parseInt(hexStr.substr(i, 2), 16) << 24 - i % 8 * 4;
            }
            return new WordArray.init(words, hexStrLength / 2);
          }
        };
        var Latin1 = C_enc.Latin1 = {
          /**
           * Converts a word array to a Latin1 string.
           *
           * @param {WordArray} wordArray The word array.
           *
           * @return {string} The Latin1 string.
           *
           * @static
           *
           * @example
           *
           *     var latin1String = CryptoJS.enc.Latin1.stringify(wordArray);
           */
          stringify: function(wordArray) {
            var words = wordArray.words;
            var sigBytes = wordArray.sigBytes;
            var latin1Chars = [];
            for (var i = 0; i < sigBytes; i++) {
              var bite = words[i >>> 2] >>> 24 - i % 4 * 8 & 255;
              latin1Chars.push(String.fromCharCode(bite));
            }
            return latin1Chars.join("");
          },
          /**
           * Converts a Latin1 string to a word array.
           *
           * @param {string} latin1Str The Latin1 string.
           *
           * @return {WordArray} The word array.
           *
           * @static
           *
           * @example
           *
           *     var wordArray = CryptoJS.enc.Latin1.parse(latin1String);
           */
          parse: function(latin1Str) {
            var latin1StrLength = latin1Str.length;
            var words = [];
            for (var i = 0; i < latin1StrLength; i++) {
              words[i >>> 2] |= (latin1Str.charCodeAt(i) & 255) << 24 - i % 4 * 8;
            }
            return new WordArray.init(words, latin1StrLength);
          }
        };
        var Utf8 = C_enc.Utf8 = {
          /**
           * Converts a word array to a UTF-8 string.
           *
           * @param {WordArray} wordArray The word array.
           *
           * @return {string} The UTF-8 string.
           *
           * @static
           *
           * @example
           *
           *     var utf8String = CryptoJS.enc.Utf8.stringify(wordArray);
           */
          stringify: function(wordArray) {
            try {
              return decodeURIComponent(escape(Latin1.stringify(wordArray)));
            } catch (e) {
              throw new Error("Malformed UTF-8 data");
            }
          },
          /**
           * Converts a UTF-8 string to a word array.
           *
           * @param {string} utf8Str The UTF-8 string.
           *
           * @return {WordArray} The word array.
           *
           * @static
           *
           * @example
           *
           *     var wordArray = CryptoJS.enc.Utf8.parse(utf8String);
           */
          parse: function(utf8Str) {
            return Latin1.parse(unescape(encodeURIComponent(utf8Str)));
          }
        };
        var BufferedBlockAlgorithm = C_lib.BufferedBlockAlgorithm = Base.extend({
          /**
           * Resets this block algorithm's data buffer to its initial state.
           *
           * @example
           *
           *     bufferedBlockAlgorithm.reset();
           */
          reset: function() {
            this._data = new WordArray.init();
            this._nDataBytes = 0;
          },
          /**
           * Adds new data to this block algorithm's buffer.
           *
           * @param {WordArray|string} data The data to append. Strings are converted to a WordArray using UTF-8.
           *
           * @example
           *
           *     bufferedBlockAlgorithm._append('data');
           *     bufferedBlockAlgorithm._append(wordArray);
           */
          _append: function(data) {
            if (typeof data == "string") {
              data = Utf8.parse(data);
            }
            this._data.concat(data);
            this._nDataBytes += data.sigBytes;
          },
          /**
           * Processes available data blocks.
           *
           * This method invokes _doProcessBlock(offset), which must be implemented by a concrete subtype.
           *
           * @param {boolean} doFlush Whether all blocks and partial blocks should be processed.
           *
           * @return {WordArray} The processed data.
           *
           * @example
           *
           *     var processedData = bufferedBlockAlgorithm._process();
           *     var processedData = bufferedBlockAlgorithm._process(!!'flush');
           */
          _process: function(doFlush) {
            var data = this._data;
            var dataWords = data.words;
            var dataSigBytes = data.sigBytes;
            var blockSize = this.blockSize;
            var blockSizeBytes = blockSize * 4;
            var nBlocksReady = dataSigBytes / blockSizeBytes;
            if (doFlush) {
              nBlocksReady = Math2.ceil(nBlocksReady);
            } else {
              nBlocksReady = Math2.max((nBlocksReady | 0) - this._minBufferSize, 0);
            }
            var nWordsReady = nBlocksReady * blockSize;
            var nBytesReady = Math2.min(nWordsReady * 4, dataSigBytes);
            if (nWordsReady) {
              for (var offset = 0; offset < nWordsReady; offset += blockSize) {
                this._doProcessBlock(dataWords, offset);
              }
              var processedWords = dataWords.splice(0, nWordsReady);
              data.sigBytes -= nBytesReady;
            }
            return new WordArray.init(processedWords, nBytesReady);
          },
          /**
           * Creates a copy of this object.
           *
           * @return {Object} The clone.
           *
           * @example
           *
           *     var clone = bufferedBlockAlgorithm.clone();
           */
          clone: function() {
            var clone = Base.clone.call(this);
            clone._data = this._data.clone();
            return clone;
          },
          _minBufferSize: 0
        });
        var Hasher = C_lib.Hasher = BufferedBlockAlgorithm.extend({
          /**
           * Configuration options.
           */
          cfg: Base.extend(),
          /**
           * Initializes a newly created hasher.
           *
           * @param {Object} cfg (Optional) The configuration options to use for this hash computation.
           *
           * @example
           *
           *     var hasher = CryptoJS.algo.SHA256.create();
           */
          init: function(cfg) {
            this.cfg = this.cfg.extend(cfg);
            this.reset();
          },
          /**
           * Resets this hasher to its initial state.
           *
           * @example
           *
           *     hasher.reset();
           */
          reset: function() {
            BufferedBlockAlgorithm.reset.call(this);
            this._doReset();
          },
          /**
           * Updates this hasher with a message.
           *
           * @param {WordArray|string} messageUpdate The message to append.
           *
           * @return {Hasher} This hasher.
           *
           * @example
           *
           *     hasher.update('message');
           *     hasher.update(wordArray);
           */
          update: function(messageUpdate) {
            this._append(messageUpdate);
            this._process();
            return this;
          },
          /**
           * Finalizes the hash computation.
           * Note that the finalize operation is effectively a destructive, read-once operation.
           *
           * @param {WordArray|string} messageUpdate (Optional) A final message update.
           *
           * @return {WordArray} The hash.
           *
           * @example
           *
           *     var hash = hasher.finalize();
           *     var hash = hasher.finalize('message');
           *     var hash = hasher.finalize(wordArray);
           */
          finalize: function(messageUpdate) {
            if (messageUpdate) {
              this._append(messageUpdate);
            }
            var hash = this._doFinalize();
            return hash;
          },
          blockSize: 512 / 32,
          /**
           * Creates a shortcut function to a hasher's object interface.
           *
           * @param {Hasher} hasher The hasher to create a helper for.
           *
           * @return {Function} The shortcut function.
           *
           * @static
           *
           * @example
           *
           *     var SHA256 = CryptoJS.lib.Hasher._createHelper(CryptoJS.algo.SHA256);
           */
          _createHelper: function(hasher) {
            return function(message, cfg) {
              return new hasher.init(cfg).finalize(message);
            };
          },
          /**
           * Creates a shortcut function to the HMAC's object interface.
           *
           * @param {Hasher} hasher The hasher to use in this HMAC helper.
           *
           * @return {Function} The shortcut function.
           *
           * @static
           *
           * @example
           *
           *     var HmacSHA256 = CryptoJS.lib.Hasher._createHmacHelper(CryptoJS.algo.SHA256);
           */
          _createHmacHelper: function(hasher) {
            return function(message, key) {
              return new C_algo.HMAC.init(hasher, key).finalize(message);
            };
          }
        });
        var C_algo = C.algo = {};
        return C;
      })(Math);
      return CryptoJS;
    });
  }
});

// node_modules/crypto-js/sha256.js
var require_sha256 = __commonJS({
  "node_modules/crypto-js/sha256.js"(exports2, module2) {
    (function(root, factory) {
      if (typeof exports2 === "object") {
        module2.exports = exports2 = factory(require_core());
      } else if (typeof define === "function" && define.amd) {
        define(["./core"], factory);
      } else {
        factory(root.CryptoJS);
      }
    })(exports2, function(CryptoJS) {
      (function(Math2) {
        var C = CryptoJS;
        var C_lib = C.lib;
        var WordArray = C_lib.WordArray;
        var Hasher = C_lib.Hasher;
        var C_algo = C.algo;
        var H = [];
        var K = [];
        (function() {
          function isPrime(n2) {
            var sqrtN = Math2.sqrt(n2);
            for (var factor = 2; factor <= sqrtN; factor++) {
              if (!(n2 % factor)) {
                return false;
              }
            }
            return true;
          }
          function getFractionalBits(n2) {
            return (n2 - (n2 | 0)) * 4294967296 | 0;
          }
          var n = 2;
          var nPrime = 0;
          while (nPrime < 64) {
            if (isPrime(n)) {
              if (nPrime < 8) {
                H[nPrime] = getFractionalBits(Math2.pow(n, 1 / 2));
              }
              K[nPrime] = getFractionalBits(Math2.pow(n, 1 / 3));
              nPrime++;
            }
            n++;
          }
        })();
        var W = [];
        var SHA256 = C_algo.SHA256 = Hasher.extend({
          _doReset: function() {
            this._hash = new WordArray.init(H.slice(0));
          },
          _doProcessBlock: function(M, offset) {
            var H2 = this._hash.words;
            var a = H2[0];
            var b = H2[1];
            var c = H2[2];
            var d = H2[3];
            var e = H2[4];
            var f = H2[5];
            var g = H2[6];
            var h = H2[7];
            for (var i = 0; i < 64; i++) {
              if (i < 16) {
                W[i] = M[offset + i] | 0;
              } else {
                var gamma0x = W[i - 15];
                var gamma0 = (gamma0x << 25 | gamma0x >>> 7) ^ (gamma0x << 14 | gamma0x >>> 18) ^ gamma0x >>> 3;
                var gamma1x = W[i - 2];
                var gamma1 = (gamma1x << 15 | gamma1x >>> 17) ^ (gamma1x << 13 | gamma1x >>> 19) ^ gamma1x >>> 10;
                W[i] = gamma0 + W[i - 7] + gamma1 + W[i - 16];
              }
              var ch = e & f ^ ~e & g;
              var maj = a & b ^ a & c ^ b & c;
              var sigma0 = (a << 30 | a >>> 2) ^ (a << 19 | a >>> 13) ^ (a << 10 | a >>> 22);
              var sigma1 = (e << 26 | e >>> 6) ^ (e << 21 | e >>> 11) ^ (e << 7 | e >>> 25);
              var t1 = h + sigma1 + ch + K[i] + W[i];
              var t2 = sigma0 + maj;
              h = g;
              g = f;
              f = e;
              e = d + t1 | 0;
              d = c;
              c = b;
              b = a;
              a = t1 + t2 | 0;
            }
            H2[0] = H2[0] + a | 0;
            H2[1] = H2[1] + b | 0;
            H2[2] = H2[2] + c | 0;
            H2[3] = H2[3] + d | 0;
            H2[4] = H2[4] + e | 0;
            H2[5] = H2[5] + f | 0;
            H2[6] = H2[6] + g | 0;
            H2[7] = H2[7] + h | 0;
          },
          _doFinalize: function() {
            var data = this._data;
            var dataWords = data.words;
            var nBitsTotal = this._nDataBytes * 8;
            var nBitsLeft = data.sigBytes * 8;
            dataWords[nBitsLeft >>> 5] |= 128 << 24 - nBitsLeft % 32;
            dataWords[(nBitsLeft + 64 >>> 9 << 4) + 14] = Math2.floor(nBitsTotal / 4294967296);
            dataWords[(nBitsLeft + 64 >>> 9 << 4) + 15] = nBitsTotal;
            data.sigBytes = dataWords.length * 4;
            this._process();
            return this._hash;
          },
          clone: function() {
            var clone = Hasher.clone.call(this);
            clone._hash = this._hash.clone();
            return clone;
          }
        });
        C.SHA256 = Hasher._createHelper(SHA256);
        C.HmacSHA256 = Hasher._createHmacHelper(SHA256);
      })(Math);
      return CryptoJS.SHA256;
    });
  }
});

// node_modules/crypto-js/enc-hex.js
var require_enc_hex = __commonJS({
  "node_modules/crypto-js/enc-hex.js"(exports2, module2) {
    (function(root, factory) {
      if (typeof exports2 === "object") {
        module2.exports = exports2 = factory(require_core());
      } else if (typeof define === "function" && define.amd) {
        define(["./core"], factory);
      } else {
        factory(root.CryptoJS);
      }
    })(exports2, function(CryptoJS) {
      return CryptoJS.enc.Hex;
    });
  }
});

// entry.js
var entry_exports = {};
__export(entry_exports, {
  eventToHashedId: () => eventToHashedId,
  eventToPreHashedString: () => eventToPreHashedString
});
module.exports = __toCommonJS(entry_exports);

// package/src/hash_generator/EPCISEventToHashedString.js
var import_sha256 = __toESM(require_sha256());
var import_enc_hex = __toESM(require_enc_hex());

// package/src/hash_generator/canonicalPropertyOrder.js
var canonicalPropertyOrder = [
  "type",
  "eventTime",
  "eventTimeZoneOffset",
  "certificationInfo",
  "epcList",
  "parentID",
  "inputEPCList",
  "childEPCs",
  "quantityList",
  "childQuantityList",
  "inputQuantityList",
  "outputEPCList",
  "outputQuantityList",
  "action",
  "transformationID",
  "bizStep",
  "disposition",
  "persistentDisposition",
  "readPoint",
  "bizLocation",
  "bizTransactionList",
  "sourceList",
  "destinationList",
  "sensorElementList",
  "ilmd"
];
var quantityElementCanonicalPropertyOrder = ["epcClass", "quantity", "uom"];
var readPointCanonicalPropertyOrder = ["id"];
var bizLocationCanonicalPropertyOrder = ["id"];
var bizTransactionCanonicalPropertyOrder = ["type", "bizTransaction"];
var sourceCanonicalPropertyOrder = ["type", "source"];
var destinationCanonicalPropertyOrder = ["type", "destination"];
var sensorElementCanonicalPropertyOrder = ["sensorMetadata", "sensorReport"];
var sensorMetadataCanonicalPropertyOrder = [
  "time",
  "startTime",
  "endTime",
  "deviceID",
  "deviceMetadata",
  "rawData",
  "dataProcessingMethod",
  "bizRules"
];
var sensorReportCanonicalPropertyOrder = [
  "type",
  "exception",
  "deviceID",
  "deviceMetadata",
  "rawData",
  "dataProcessingMethod",
  "time",
  "microorganism",
  "chemicalSubstance",
  "value",
  "component",
  "stringValue",
  "booleanValue",
  "hexBinaryValue",
  "uriValue",
  "minValue",
  "maxValue",
  "meanValue",
  "sDev",
  "percRank",
  "percValue",
  "uom",
  "coordinateReferenceSystem"
];
var persistentDispositionCanonicalPropertyOrder = ["set", "unset"];

// package/src/utils/utils.js
var MIN_DATE_WITH_OFFSET_LENGTH = 7;
var numberToZeroPadString = (number) => {
  if (number > 99 || number < 0) {
    throw new Error("The number has to be between 0 and 99");
  }
  return number < 10 ? `0${number}` : number.toString();
};
var offsetToString = (hours, minutes) => hours >= 0 ? `+${numberToZeroPadString(hours)}:${numberToZeroPadString(minutes)}` : `-${numberToZeroPadString(-1 * hours)}:${numberToZeroPadString(minutes)}`;
var getTimeZoneOffset = (offset) => {
  if (typeof offset === "string") {
    const pattern = /^(\+|-)[0-9]{2}:[0-9]{2}/;
    const result = offset.match(pattern);
    if (!result) {
      throw new Error("The TimeZoneOffset is invalid");
    }
    let [strHours, strMinutes] = offset.split(":");
    const sign = strHours.charAt(0);
    strHours = strHours.substring(1);
    const hours = sign === "+" ? parseInt(strHours, 10) : -parseInt(strHours, 10);
    const minutes = parseInt(strMinutes, 10);
    return offsetToString(hours, minutes);
  }
  if (typeof offset === "number") {
    const hours = Math.floor(offset);
    const minutes = (offset - Math.floor(offset)) * 60;
    return offsetToString(hours, minutes);
  }
  throw new Error("The parameter provided in the constructor should be a number or a string");
};
var getTheTimeZoneOffsetFromDateString = (date) => {
  if (typeof date !== "string") {
    throw new Error("The parameter has to be a string");
  }
  if (date.length < MIN_DATE_WITH_OFFSET_LENGTH) {
    return null;
  }
  const potentialOffset = date.substring(date.length - 6, date.length);
  try {
    return getTimeZoneOffset(potentialOffset);
  } catch (e) {
    return null;
  }
};

// package/src/hash_generator/dlNormalizer.js
var webUriPercentEncoder = (input) => input.split("!").join("%21").split("(").join("%28").split(")").join("%29").split("*").join("%2A").split("+").join("%2B").split(",").join("%2C").split(":").join("%3A");
var getCheckDigit = (input, throwError) => {
  try {
    const array = input.split("").reverse();
    let total = 0;
    let i = 1;
    array.forEach((number) => {
      const n = parseInt(number, 10);
      total += i % 2 === 0 ? n : 3 * n;
      i += 1;
    });
    return Math.ceil(total / 10) * 10 - total;
  } catch (e) {
    if (throwError) {
      throw new Error(`There was a problem during the check digit operation of ${input}`);
    }
    return 0;
  }
};
var addCheckDigitAndZeroPad = (raw, throwError, length = 14) => {
  let newRaw = raw;
  newRaw += getCheckDigit(newRaw, throwError);
  while (newRaw.length < length) {
    newRaw = `0${newRaw}`;
  }
  return newRaw;
};
var replaceAllNonNumericCodes = (uri) => {
  uri = uri.replace("/gtin/", "/01/").replace("/itip/", "/8006/").replace("/cpid/", "/8010/").replace("/gln/", "/414/").replace("/party/", "/417/").replace("/gsrnp/", "/8017/").replace("/gsrn/", "/8018/").replace("/gcn/", "/255/").replace("/sscc/", "/00/").replace("/gdti/", "/253/").replace("/ginc/", "/401/").replace("/gsin/", "/402/").replace("/grai/", "/8003/").replace("/giai/", "/8004/").replace("/cpv/", "/22/").replace("/lot/", "/10/").replace("/ser/", "/21/");
  return uri;
};
var formatDomain = (uri) => {
  if (!uri.match(
    "^https://id.gs1.org/(01|8006|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)/([0-9]{4}[^/]+)(/[^/]+/[^/]+)?[/]?(([^?\n]*))?(#([^\n]*))?|(/[A-Za-z_-]{10}$)"
  )) {
    if (uri.includes("/00/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/00/"))}`;
    else if (uri.includes("/01/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/01/"))}`;
    else if (uri.includes("/253/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/253/"))}`;
    else if (uri.includes("/255/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/255/"))}`;
    else if (uri.includes("/401/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/401/"))}`;
    else if (uri.includes("/402/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/402/"))}`;
    else if (uri.includes("/414/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/414/"))}`;
    else if (uri.includes("/417/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/417/"))}`;
    else if (uri.includes("/8003/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/8003/"))}`;
    else if (uri.includes("/8004/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/8004/"))}`;
    else if (uri.includes("/8006/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/8006/"))}`;
    else if (uri.includes("/8010/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/8010/"))}`;
    else if (uri.includes("/8017/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/8017/"))}`;
    else if (uri.includes("/8018/")) uri = `https://id.gs1.org${uri.substring(uri.indexOf("/8018/"))}`;
  }
  return uri;
};
var zeroPadGTIN = (uri) => {
  if (!uri.match("^https://id.gs1.org/01/[0-9]{14}")) {
    if (uri.match("^https://id.gs1.org/01/[0-9]{13}") || uri.match("^https://id.gs1.org/01/[0-9]{12}") || uri.match("^https://id.gs1.org/01/[0-9]{8}")) {
      while (!uri.match("^https://id.gs1.org/01/[0-9]{14}")) {
        uri = uri.replace("/01/", "/01/0");
      }
    }
  }
  return uri;
};
var isAValidDigitalLinkURI = (uri) => !!(uri.match("https://id.gs1.org/00/([0-9]{18})$") || uri.match(
  `https://id.gs1.org/01/([0-9]{14})/21/(["'-.0-9;-?A-Z_a-z]{0,20})$`
) || uri.match(
  `https://id.gs1.org/01/([0-9]{14})/10/(["'-.0-9;-?A-Z_a-z]{0,20})$`
) || uri.match("https://id.gs1.org/01/([0-9]{14})$") || uri.match(
  `https://id.gs1.org/01/([0-9]{14})/235/(["'-.0-9;-?A-Z_a-z]{0,28})$`
) || uri.match(
  `https://id.gs1.org/253/([0-9]{13})(["'-.0-9;-?A-Z_a-z]{0,17})$`
) || uri.match("https://id.gs1.org/255/([0-9]{13})([0-9]{0,12})$") || uri.match(
  `https://id.gs1.org/401/(["'-.0-9;-?A-Z_a-z]{0,30})$`
) || uri.match("https://id.gs1.org/402/([0-9]{17})$") || uri.match("https://id.gs1.org/414/([0-9]{13})$") || uri.match(
  `https://id.gs1.org/414/([0-9]{13})/254/(["'-.0-9;-?A-Z_a-z]{0,20})$`
) || uri.match("https://id.gs1.org/417/([0-9]{13})$") || uri.match(
  `https://id.gs1.org/8003/([0-9]{14})(["'-.0-9;-?A-Z_a-z]{0,16})$`
) || uri.match(
  `https://id.gs1.org/8004/(["'-.0-9;-?A-Z_a-z]{0,30})$`
) || uri.match(
  `https://id.gs1.org/8006/([0-9]{18})/21/(["'-.0-9;-?A-Z_a-z]{0,20})$`
) || uri.match(
  `https://id.gs1.org/8006/([0-9]{18})/10/(["'-.0-9;-?A-Z_a-z]{0,20})$`
) || uri.match("https://id.gs1.org/8006/([0-9]{18})$") || uri.match(
  "https://id.gs1.org/8010/([#-/0-9A-Z]{0,30})/8011/([0-9]{0,12})$"
) || uri.match("https://id.gs1.org/8010/([#-/0-9A-Z]{0,30})$") || uri.match("https://id.gs1.org/8017/([0-9]{18})$") || uri.match("https://id.gs1.org/8018/([0-9]{18})$"));
var normalizeDigitalLinks = (originalUri, throwError = true) => {
  let uri = originalUri;
  if (!uri.includes(".")) {
    return uri;
  }
  const partition = uri.indexOf(".");
  if (uri.match(
    "^urn:epc:id:sgtin:(([0-9]{6}.[0-9]{7})|([0-9]{7}.[0-9]{6})|([0-9]{8}.[0-9]{5})|([0-9]{9}.[0-9]{4})|([0-9]{10}.[0-9]{3})|([0-9]{11}.[0-9]{2})|([0-9]{12}.[0-9]{1})).(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,20}$"
  )) {
    const gs1CompanyPrefix = uri.substring(17, partition);
    const itemRef = uri.substring(partition + 1, partition + 1 + (13 - gs1CompanyPrefix.length));
    const rawGTIN = itemRef.substring(0, 1) + gs1CompanyPrefix + itemRef.substring(1);
    const serial = uri.substring(32);
    return `https://id.gs1.org/01/${addCheckDigitAndZeroPad(
      rawGTIN,
      throwError
    )}/21/${webUriPercentEncoder(serial)}`;
  }
  if (uri.match(
    "^urn:epc:id:sscc:(([0-9]{6}.[0-9]{11})|([0-9]{7}.[0-9]{10})|([0-9]{8}.[0-9]{9})|([0-9]{9}.[0-9]{8})|([0-9]{10}.[0-9]{7})|([0-9]{11}.[0-9]{6})|([0-9]{12}.[0-9]{5}))$"
  )) {
    const gs1CompanyPrefix = uri.substring(16, partition);
    const serialRef = uri.substring(partition + 1);
    const rawSSCC = uri.substring(partition + 1, partition + 2) + gs1CompanyPrefix + serialRef;
    return `https://id.gs1.org/00/${addCheckDigitAndZeroPad(rawSSCC, throwError, 18)}`;
  }
  if (uri.match(
    "^urn:epc:id:sgln:(([0-9]{6}.[0-9]{6})|([0-9]{7}.[0-9]{5})|([0-9]{8}.[0-9]{4})|([0-9]{9}.[0-9]{3})|([0-9]{10}.[0-9]{2})|([0-9]{11}.[0-9]{1})|([0-9]{12}.)).(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,20}$"
  )) {
    const gs1CompanyPrefix = uri.substring(16, partition);
    const locationRef = uri.substring(
      partition + 1,
      partition + 1 + (12 - gs1CompanyPrefix.length)
    );
    const rawGLN = gs1CompanyPrefix + locationRef;
    const extension = uri.substring(30);
    if (extension === "0") return `https://id.gs1.org/414/${addCheckDigitAndZeroPad(rawGLN, throwError, 13)}`;
    return `https://id.gs1.org/414/${addCheckDigitAndZeroPad(
      rawGLN,
      throwError,
      13
    )}/254/${webUriPercentEncoder(extension)}`;
  }
  if (uri.match(
    "^urn:epc:id:grai:(([0-9]{6}.[0-9]{6})|([0-9]{7}.[0-9]{5})|([0-9]{8}.[0-9]{4})|([0-9]{9}.[0-9]{3})|([0-9]{10}.[0-9]{2})|([0-9]{11}.[0-9]{1})|([0-9]{12}.)).(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,16}$"
  )) {
    const gs1CompanyPrefix = uri.substring(16, partition);
    const assetRef = uri.substring(partition + 1, partition + 1 + (12 - gs1CompanyPrefix.length));
    const rawGRAI = `0${gs1CompanyPrefix}${assetRef}`;
    const serial = uri.substring(30);
    return `https://id.gs1.org/8003/${addCheckDigitAndZeroPad(
      rawGRAI,
      throwError
    )}${webUriPercentEncoder(serial)}`;
  }
  if (uri.match(
    "^urn:epc:id:giai:(([0-9]{6}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,24})|([0-9]{7}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,23})|([0-9]{8}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,22})|([0-9]{9}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,21})|([0-9]{10}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,20})|([0-9]{11}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,19})|([0-9]{12}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,18}))$"
  )) {
    const gs1CompanyPrefix = uri.substring(16, partition);
    const assetRef = uri.substring(partition + 1);
    return `https://id.gs1.org/8004/${gs1CompanyPrefix}${webUriPercentEncoder(assetRef)}`;
  }
  if (uri.match(
    "^urn:epc:id:gsrn:(([0-9]{6}.[0-9]{11})|([0-9]{7}.[0-9]{10})|([0-9]{8}.[0-9]{9})|([0-9]{9}.[0-9]{8})|([0-9]{10}.[0-9]{7})|([0-9]{11}.[0-9]{6})|([0-9]{12}.[0-9]{5}))$"
  )) {
    const gs1CompanyPrefix = uri.substring(16, partition);
    const serviceRef = uri.substring(partition + 1);
    const rawGSRN = gs1CompanyPrefix + serviceRef;
    return `https://id.gs1.org/8018/${addCheckDigitAndZeroPad(rawGSRN, throwError, 18)}`;
  }
  if (uri.match(
    "^urn:epc:id:gsrnp:(([0-9]{6}.[0-9]{11})|([0-9]{7}.[0-9]{10})|([0-9]{8}.[0-9]{9})|([0-9]{9}.[0-9]{8})|([0-9]{10}.[0-9]{7})|([0-9]{11}.[0-9]{6})|([0-9]{12}.[0-9]{5}))$"
  )) {
    const gs1CompanyPrefix = uri.substring(17, partition);
    const serviceRef = uri.substring(partition + 1);
    const rawGSRNP = gs1CompanyPrefix + serviceRef;
    return `https://id.gs1.org/8017/${addCheckDigitAndZeroPad(rawGSRNP, throwError, 18)}`;
  }
  if (uri.match(
    "^urn:epc:id:gdti:(([0-9]{6}.[0-9]{6})|([0-9]{7}.[0-9]{5})|([0-9]{8}.[0-9]{4})|([0-9]{9}.[0-9]{3})|([0-9]{10}.[0-9]{2})|([0-9]{11}.[0-9]{1})|([0-9]{12}..))(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,20}$"
  )) {
    const gs1CompanyPrefix = uri.substring(16, partition);
    const documentType = uri.substring(
      partition + 1,
      partition + 1 + (12 - gs1CompanyPrefix.length)
    );
    const rawGDTI = gs1CompanyPrefix + documentType;
    const serial = uri.substring(30);
    return `https://id.gs1.org/253/${addCheckDigitAndZeroPad(
      rawGDTI,
      throwError,
      13
    )}${webUriPercentEncoder(serial)}`;
  }
  if (uri.match(
    "^urn:epc:id:cpi:(([0-9]{6}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,24})|([0-9]{7}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,23})|([0-9]{8}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,22})|([0-9]{9}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,21})|([0-9]{10}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,20})|([0-9]{11}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,19})|([0-9]{12}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,18})).[0-9]{1,12}$"
  )) {
    const gs1CompanyPrefix = uri.substring(15, partition);
    const separator = uri.lastIndexOf(".");
    const cpref = uri.substring(partition + 1, separator);
    const rawCPI = gs1CompanyPrefix + cpref;
    const serial = uri.substring(separator + 1);
    return `https://id.gs1.org/8010/${webUriPercentEncoder(rawCPI)}/8011/${serial}`;
  }
  if (uri.match(
    "^urn:epc:id:sgcn:(([0-9]{6}.[0-9]{6})|([0-9]{7}.[0-9]{5})|([0-9]{8}.[0-9]{4})|([0-9]{9}.[0-9]{3})|([0-9]{10}.[0-9]{2})|([0-9]{11}.[0-9]{1})|([0-9]{12}.)).[0-9]{1,12}$"
  )) {
    const gs1CompanyPrefix = uri.substring(16, partition);
    const couponRef = uri.substring(partition + 1, partition + 1 + (12 - gs1CompanyPrefix.length));
    const rawSGCN = gs1CompanyPrefix + couponRef;
    const serial = uri.substring(30);
    return `https://id.gs1.org/255/${addCheckDigitAndZeroPad(rawSGCN, throwError, 13)}${serial}`;
  }
  if (uri.match(
    "^urn:epc:id:ginc:(([0-9]{6}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,24})|([0-9]{7}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,23})|([0-9]{8}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,22})|([0-9]{9}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,21})|([0-9]{10}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,20})|([0-9]{11}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,19})|([0-9]{12}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,18}))$"
  )) {
    const gs1CompanyPrefix = uri.substring(16, partition);
    const consignmentRef = uri.substring(partition + 1);
    return `https://id.gs1.org/401/${gs1CompanyPrefix}${webUriPercentEncoder(consignmentRef)}`;
  }
  if (uri.match(
    "^urn:epc:id:gsin:(([0-9]{6}.[0-9]{10}$)|([0-9]{7}.[0-9]{9}$)|([0-9]{8}.[0-9]{8}$)|([0-9]{9}.[0-9]{7}$)|([0-9]{10}.[0-9]{6}$)|([0-9]{11}.[0-9]{5}$)|([0-9]{12}.[0-9]{4}$))"
  )) {
    const gs1CompanyPrefix = uri.substring(16, partition);
    const shipperRef = uri.substring(partition + 1);
    const rawGSIN = gs1CompanyPrefix + shipperRef;
    return `https://id.gs1.org/402/${addCheckDigitAndZeroPad(rawGSIN, throwError, 17)}`;
  }
  if (uri.match(
    "^urn:epc:id:itip:(([0-9]{6}.[0-9]{7})|([0-9]{7}.[0-9]{6})|([0-9]{8}.[0-9]{5})|([0-9]{9}.[0-9]{4})|([0-9]{10}.[0-9]{3})|([0-9]{11}.[0-9]{2})|([0-9]{12}.[0-9]{1})).[0-9]{2}.[0-9]{2}.(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,20}$"
  )) {
    const gs1CompanyPrefix = uri.substring(16, partition);
    const itemRef = uri.substring(partition + 1, partition + 1 + (13 - gs1CompanyPrefix.length));
    const rawGTIN = itemRef.substring(0, 1) + gs1CompanyPrefix + itemRef.substring(1);
    const piece = uri.substring(31, 33);
    const total = uri.substring(34, 36);
    const serial = uri.substring(37);
    return `https://id.gs1.org/8006/${addCheckDigitAndZeroPad(
      rawGTIN,
      throwError
    )}${piece}${total}/21/${webUriPercentEncoder(serial)}`;
  }
  if (uri.match(
    "^urn:epc:id:upui:(([0-9]{6}.[0-9]{7})|([0-9]{7}.[0-9]{6})|([0-9]{8}.[0-9]{5})|([0-9]{9}.[0-9]{4})|([0-9]{10}.[0-9]{3})|([0-9]{11}.[0-9]{2})|([0-9]{12}.[0-9]{1})).(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,28}$"
  )) {
    const gs1CompanyPrefix = uri.substring(16, partition);
    const itemRef = uri.substring(partition + 1, partition + 1 + (13 - gs1CompanyPrefix.length));
    const rawGTIN = itemRef.substring(0, 1) + gs1CompanyPrefix + itemRef.substring(1);
    const serial = uri.substring(31);
    return `https://id.gs1.org/01/${addCheckDigitAndZeroPad(
      rawGTIN,
      throwError
    )}/235/${webUriPercentEncoder(serial)}`;
  }
  if (uri.match(
    "^urn:epc:id:pgln:(([0-9]{6}.[0-9]{6})|([0-9]{7}.[0-9]{5})|([0-9]{8}.[0-9]{4})|([0-9]{9}.[0-9]{3})|([0-9]{10}.[0-9]{2})|([0-9]{11}.[0-9]{1})|([0-9]{12}.))$"
  )) {
    const gs1CompanyPrefix = uri.substring(16, partition);
    const partyRef = uri.substring(partition + 1, partition + 1 + (12 - gs1CompanyPrefix.length));
    const rawGLN = gs1CompanyPrefix + partyRef;
    return `https://id.gs1.org/417/${addCheckDigitAndZeroPad(rawGLN, throwError, 13)}`;
  }
  if (uri.match(
    "^urn:epc:class:lgtin:(([0-9]{6}.[0-9]{7})|([0-9]{7}.[0-9]{6})|([0-9]{8}.[0-9]{5})|([0-9]{9}.[0-9]{4})|([0-9]{10}.[0-9]{3})|([0-9]{11}.[0-9]{2})|([0-9]{12}.[0-9]{1})).(%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-]){1,20}$"
  )) {
    const gs1CompanyPrefix = uri.substring(20, partition);
    const itemRef = uri.substring(partition + 1, partition + 1 + (13 - gs1CompanyPrefix.length));
    const rawGTIN = itemRef.substring(0, 1) + gs1CompanyPrefix + itemRef.substring(1);
    const lot = uri.substring(35);
    return `https://id.gs1.org/01/${addCheckDigitAndZeroPad(
      rawGTIN,
      throwError
    )}/10/${webUriPercentEncoder(lot)}`;
  }
  if (uri.match(
    "^urn:epc:idpat:sgtin:(([0-9]{6}.[0-9]{7})|([0-9]{7}.[0-9]{6})|([0-9]{8}.[0-9]{5})|([0-9]{9}.[0-9]{4})|([0-9]{10}.[0-9]{3})|([0-9]{11}.[0-9]{2})|([0-9]{12}.[0-9]{1})).*$"
  )) {
    const gs1CompanyPrefix = uri.substring(20, partition);
    const itemRef = uri.substring(partition + 1, partition + 1 + (13 - gs1CompanyPrefix.length));
    const rawGTIN = itemRef.substring(0, 1) + gs1CompanyPrefix + itemRef.substring(1);
    return `https://id.gs1.org/01/${addCheckDigitAndZeroPad(rawGTIN, throwError)}`;
  }
  if (uri.match(
    "^urn:epc:idpat:grai:(([0-9]{6}.[0-9]{6})|([0-9]{7}.[0-9]{5})|([0-9]{8}.[0-9]{4})|([0-9]{9}.[0-9]{3})|([0-9]{10}.[0-9]{2})|([0-9]{11}.[0-9]{1})|([0-9]{12}..)).*$"
  )) {
    const gs1CompanyPrefix = uri.substring(19, partition);
    const assetRef = uri.substring(partition + 1, partition + 1 + (12 - gs1CompanyPrefix.length));
    const rawGRAI = `0${gs1CompanyPrefix}${assetRef}`;
    return `https://id.gs1.org/8003/${addCheckDigitAndZeroPad(rawGRAI, throwError)}`;
  }
  if (uri.match(
    "^urn:epc:idpat:gdti:(([0-9]{6}.[0-9]{6})|([0-9]{7}.[0-9]{5})|([0-9]{8}.[0-9]{4})|([0-9]{9}.[0-9]{3})|([0-9]{10}.[0-9]{2})|([0-9]{11}.[0-9]{1})|([0-9]{12}..)).*$"
  )) {
    const gs1CompanyPrefix = uri.substring(19, partition);
    const documentType = uri.substring(
      partition + 1,
      partition + 1 + (12 - gs1CompanyPrefix.length)
    );
    const rawGDTI = gs1CompanyPrefix + documentType;
    return `https://id.gs1.org/253/${addCheckDigitAndZeroPad(rawGDTI, throwError, 13)}`;
  }
  if (uri.match(
    "^urn:epc:idpat:sgcn:(([0-9]{6}.[0-9]{6})|([0-9]{7}.[0-9]{5})|([0-9]{8}.[0-9]{4})|([0-9]{9}.[0-9]{3})|([0-9]{10}.[0-9]{2})|([0-9]{11}.[0-9]{1})|([0-9]{12}..)).*$"
  )) {
    const gs1CompanyPrefix = uri.substring(19, partition);
    const couponRef = uri.substring(partition + 1, partition + 1 + (12 - gs1CompanyPrefix.length));
    const rawSGCN = gs1CompanyPrefix + couponRef;
    return `https://id.gs1.org/255/${addCheckDigitAndZeroPad(rawSGCN, throwError, 13)}`;
  }
  if (uri.match(
    "^urn:epc:idpat:cpi:(([0-9]{6}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,24})|([0-9]{7}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,23})|([0-9]{8}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,22})|([0-9]{9}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,21})|([0-9]{10}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,20})|([0-9]{11}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,19})|([0-9]{12}.(%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,18})).*$"
  )) {
    const gs1CompanyPrefix = uri.substring(18, partition);
    const separator = uri.lastIndexOf(".");
    const cpref = uri.substring(partition + 1, separator);
    const rawCPI = gs1CompanyPrefix + cpref;
    return `https://id.gs1.org/8010/${webUriPercentEncoder(rawCPI)}`;
  }
  if (uri.match(
    "^urn:epc:idpat:itip:(([0-9]{6}.[0-9]{7})|([0-9]{7}.[0-9]{6})|([0-9]{8}.[0-9]{5})|([0-9]{9}.[0-9]{4})|([0-9]{10}.[0-9]{3})|([0-9]{11}.[0-9]{2})|([0-9]{12}.[0-9]{1})).[0-9]{2}.[0-9]{2}.*$"
  )) {
    const gs1CompanyPrefix = uri.substring(19, partition);
    const itemRef = uri.substring(partition + 1, partition + 1 + (13 - gs1CompanyPrefix.length));
    const rawGTIN = itemRef.substring(0, 1) + gs1CompanyPrefix + itemRef.substring(1);
    const piece = uri.substring(34, 36);
    const total = uri.substring(37, 39);
    return `https://id.gs1.org/8006/${addCheckDigitAndZeroPad(
      rawGTIN,
      throwError
    )}${piece}${total}`;
  }
  if (uri.match(
    "^urn:epc:idpat:upui:(([0-9]{6}.[0-9]{7})|([0-9]{7}.[0-9]{6})|([0-9]{8}.[0-9]{5})|([0-9]{9}.[0-9]{4})|([0-9]{10}.[0-9]{3})|([0-9]{11}.[0-9]{2})|([0-9]{12}.[0-9]{1})).*$"
  )) {
    const gs1CompanyPrefix = uri.substring(19, partition);
    const itemRef = uri.substring(partition + 1, partition + 1 + (13 - gs1CompanyPrefix.length));
    const rawGTIN = itemRef.substring(0, 1) + gs1CompanyPrefix + itemRef.substring(1);
    return `https://id.gs1.org/01/${addCheckDigitAndZeroPad(rawGTIN, throwError)}`;
  }
  if (!uri.match(
    "^https?:(//((([^/?#]*)@)?([^/?#:]*)(:([^/?#]*))?))?((([^?#]*)(/(01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn|00|sscc|253|gdti|401|ginc|402|gsin|8003|grai|8004|giai)/)([0-9]{4}[^/]+)?[/]?(([^?\n]*))?(#([^]*))?)|(/[A-Za-z_-]{10}$))"
  )) {
    return uri;
  }
  if (uri.includes("?")) {
    uri = uri.substring(0, uri.indexOf("?"));
  }
  uri = replaceAllNonNumericCodes(uri);
  uri = formatDomain(uri);
  uri = zeroPadGTIN(uri);
  const x = uri.substring(uri.indexOf("/22/") + 4);
  if (uri.match(
    `https://id.gs1.org/8006/[0-9]{18}/22/(["'-.0-9;-?A-Z_a-z]{0,20})$`
  ) || uri.match(
    `https://id.gs1.org/01/[0-9]{14}/22/(["'-.0-9;-?A-Z_a-z]{0,20})$`
  )) {
    uri = uri.substring(0, uri.indexOf("/22/")) + x.substring(x.indexOf("/"), x.length - 1);
  }
  if (uri.match(
    `https://id.gs1.org/8006/[0-9]{18}/22/([/"'-.0-9;-?A-Z_a-z]{0,20})$`
  ) || uri.match(
    `https://id.gs1.org/01/[0-9]{14}/22/([/"'-.0-9;-?A-Z_a-z]{0,20})$`
  )) {
    uri = uri.substring(0, uri.indexOf("/22/")) + x.substring(x.indexOf("/"));
  }
  if (uri.match(
    `https://id.gs1.org/8006/[0-9]{18}/10/(["'-.0-9;-?A-Z_a-z]{0,20})/21/(["'-.0-9;-?A-Z_a-z]{0,20})$`
  ) || uri.match(
    `https://id.gs1.org/01/([0-9]{14})/10/(["'-.0-9;-?A-Z_a-z]{0,20})/21/(["'-.0-9;-?A-Z_a-z]{0,20})$`
  )) {
    const y = uri.substring(uri.indexOf("/22/") + 4);
    uri = uri.substring(0, uri.indexOf("/10/")) + y.substring(y.indexOf("/"));
  }
  if (isAValidDigitalLinkURI(uri)) {
    return uri;
  }
  return originalUri;
};

// package/src/hash_generator/hashAlgorithmUtils.js
var toBeIgnored = ["recordTime", "eventID", "errorDeclaration", "@context"];
var isAString = (obj) => typeof obj === "string" || obj instanceof String;
var removeWhiteSpaceAtTheBeginningOrEndOfString = (obj) => {
  if (!isAString(obj)) return obj;
  return obj.trim();
};
var truncateTrailingZeros = (obj) => {
  let objCopy = obj;
  if (!isAString(objCopy)) return objCopy;
  if (/^[\d.]+$/.test(objCopy)) {
    while (objCopy.startsWith("0") && objCopy.length > 2) {
      objCopy = objCopy.substring(1, objCopy.length);
    }
    while (objCopy.endsWith("0") && objCopy.includes(".") && objCopy.length > 3) {
      objCopy = objCopy.substring(0, objCopy.length - 1);
    }
    if (objCopy.endsWith(".")) {
      objCopy = objCopy.substring(0, objCopy.length - 1);
    }
  }
  return objCopy;
};
var convertEpcUriToDlUri = (obj, throwError) => {
  if (!isAString(obj)) return obj;
  return normalizeDigitalLinks(obj, throwError);
};
var isADate = (obj) => isNaN(obj) && !isNaN(Date.parse(obj)) && obj.length > 17;
var removeTimeZoneProperty = (date) => new Date(date).toISOString();
var addATrailingZ = (date) => {
  if (getTheTimeZoneOffsetFromDateString(date)) return date;
  return date.endsWith("Z") ? date : `${date}Z`;
};
var addMillisecondPrecisionToDate = (date) => {
  const [yearMonthDay, time] = date.split("T");
  const startTime = time.substring(0, 5);
  let endTime = time.substring(6);
  let ms;
  let end = getTheTimeZoneOffsetFromDateString(date);
  if (!end) {
    end = "Z";
  }
  endTime = endTime.substring(0, endTime.indexOf(end.charAt(0)));
  if (endTime.length > 2) {
    ms = endTime.substring(endTime.indexOf(".") + 1);
    endTime = endTime.substring(0, endTime.indexOf("."));
    while (ms.length < 3) {
      ms += "0";
    }
    if (ms.length > 3) {
      ms = ms.substring(0, 3);
    }
  } else {
    ms = "000";
  }
  return `${yearMonthDay}T${startTime}:${endTime}.${ms}${end}`;
};
var formatTheDate = (obj) => {
  if (!isADate(obj)) return obj;
  let date = addATrailingZ(obj);
  date = removeTimeZoneProperty(date);
  date = addMillisecondPrecisionToDate(date);
  return date;
};
var listOfStringToPreHashLexicalOrderedString = (strings) => strings.sort().reduce((acc, s) => `${acc}${s}`, "");
var getEventContexts = (object) => {
  let context = {};
  Object.entries(object).forEach(([key, value]) => {
    if (typeof value === "object") {
      context = { ...context, ...getEventContexts(value) };
    } else if (key.startsWith("@xmlns:")) {
      context[key.substring(7)] = value;
    }
  });
  return context;
};

// package/src/cbv/cbv.js
var cbv = {
  bizSteps: {
    accepting: "accepting",
    arriving: "arriving",
    assembling: "assembling",
    collecting: "collecting",
    commissioning: "commissioning",
    consigning: "consigning",
    creating_class_instance: "creating_class_instance",
    cycle_counting: "cycle_counting",
    decommissioning: "decommissioning",
    departing: "departing",
    destroying: "destroying",
    disassembling: "disassembling",
    dispensing: "dispensing",
    encoding: "encoding",
    entering_exiting: "entering_exiting",
    holding: "holding",
    inspecting: "inspecting",
    installing: "installing",
    killing: "killing",
    loading: "loading",
    other: "other",
    packing: "packing",
    picking: "picking",
    receiving: "receiving",
    removing: "removing",
    repackaging: "repackaging",
    repairing: "repairing",
    replacing: "replacing",
    reserving: "reserving",
    retail_selling: "retail_selling",
    sampling: "sampling",
    sensor_reporting: "sensor_reporting",
    shipping: "shipping",
    staging_outbound: "staging_outbound",
    stock_taking: "stock_taking",
    stocking: "stocking",
    storing: "storing",
    transporting: "transporting",
    unloading: "unloading",
    unpacking: "unpacking",
    void_shipping: "void_shipping"
  },
  dispositions: {
    active: "active",
    available: "available",
    completeness_inferred: "completeness_inferred",
    completeness_verified: "completeness_verified",
    conformant: "conformant",
    container_closed: "container_closed",
    container_open: "container_open",
    damaged: "damaged",
    destroyed: "destroyed",
    dispensed: "dispensed",
    disposed: "disposed",
    encoded: "encoded",
    expired: "expired",
    in_progress: "in_progress",
    in_transit: "in_transit",
    inactive: "inactive",
    mismatch_instance: "mismatch_instance",
    mismatch_class: "mismatch_class",
    mismatch_quantity: "mismatch_quantity",
    needs_replacement: "needs_replacement",
    no_pedigree_match: "no_pedigree_match",
    non_conformant: "non_conformant",
    non_sellable_other: "non_sellable_other",
    partially_dispensed: "partially_dispensed",
    recalled: "recalled",
    reserved: "reserved",
    retail_sold: "retail_sold",
    returned: "returned",
    sellable_accessible: "sellable_accessible",
    sellable_not_accessible: "sellable_not_accessible",
    stolen: "stolen",
    unavailable: "unavailable",
    unknown: "unknown"
  },
  businessTransactionTypes: {
    bol: "bol",
    cert: "cert",
    desadv: "desadv",
    inv: "inv",
    pedigree: "pedigree",
    po: "po",
    poc: "poc",
    prodorder: "prodorder",
    recadv: "recadv",
    rma: "rma",
    testprd: "testprd",
    testres: "testres",
    upevt: "upevt"
  },
  sourceDestinationTypes: {
    owning_party: "owning_party",
    possessing_party: "possessing_party",
    location: "location"
  },
  errorReasonIdentifiers: {
    did_not_occur: "did_not_occur",
    incorrect_data: "incorrect_data"
  },
  sensorMeasurementTypes: {
    absolute_humidity: "AbsoluteHumidity",
    absorbed_dose: "AbsorbedDose",
    absorbed_dose_rate: "AbsorbedDoseRate",
    acceleration: "Acceleration",
    altitude: "Altitude",
    amount_of_substance: "AmountOfSubstance",
    amount_of_substance_per_unit_volume: "AmountOfSubstancePerUnitVolume",
    angle: "Angle",
    angular_acceleration: "AngularAcceleration",
    angular_momentum: "AngularMomentum",
    angular_velocity: "AngularVelocity",
    area: "Area",
    capacitance: "Capacitance",
    conductance: "Conductance",
    conductivity: "Conductivity",
    count: "Count",
    density: "Density",
    dimensionless: "Dimensionless",
    dose_equivalent: "DoseEquivalent",
    dose_equivalent_rate: "DoseEquivalentRate",
    dynamic_viscosity: "DynamicViscosity",
    electric_charge: "ElectricCharge",
    electric_current: "ElectricCurrent",
    electric_current_density: "ElectricCurrentDensity",
    electric_field_strength: "ElectricFieldStrength",
    energy: "Energy",
    exposure: "Exposure",
    force: "Force",
    frequency: "Frequency",
    illuminance: "Illuminance",
    inductance: "Inductance",
    irradiance: "Irradiance",
    kinematic_viscosity: "KinematicViscosity",
    length: "Length",
    linear_momentum: "LinearMomentum",
    luminance: "Luminance",
    luminous_flux: "LuminousFlux",
    luminous_intensity: "LuminousIntensity",
    magnetic_flux: "MagneticFlux",
    magnetic_flux_density: "MagneticFluxDensity",
    magnetic_vector_potential: "MagneticVectorPotential",
    mass: "Mass",
    mass_concentration: "MassConcentration",
    mass_flow_rate: "MassFlowRate",
    mass_per_area_time: "MassPerAreaTime",
    memory_capacity: "MemoryCapacity",
    molality_of_solute: "MolalityOfSolute",
    molar_energy: "MolarEnergy",
    molar_mass: "MolarMass",
    molar_volume: "MolarVolume",
    power: "Power",
    pressure: "Pressure",
    radiant_flux: "RadiantFlux",
    radiant_intensity: "RadiantIntensity",
    radioactivity: "Radioactivity",
    relative_humidity: "RelativeHumidity",
    resistance: "Resistance",
    resistivity: "Resistivity",
    solid_angle: "SolidAngle",
    specific_volume: "SpecificVolume",
    speed: "Speed",
    surface_density: "SurfaceDensity",
    surface_tension: "SurfaceTension",
    temperature: "Temperature",
    time: "Time",
    torque: "Torque",
    voltage: "Voltage",
    volume: "Volume",
    volume_flow_rate: "VolumeFlowRate",
    volume_fraction: "VolumeFraction",
    volumetric_flux: "VolumetricFlux",
    wave_number: "Wavenumber"
  },
  alarmTypes: {
    alarm_condition: "ALARM_CONDITION",
    error_condition: "ERROR_CONDITION"
  },
  actionTypes: {
    observe: "OBSERVE",
    add: "ADD",
    delete: "DELETE"
  },
  components: {
    x: "x",
    y: "y",
    z: "z",
    axial_distance: "axial_distance",
    azimuth: "azimuth",
    height: "height",
    spherical_radius: "spherical_radius",
    polar_angle: "polar_angle",
    elevation_angle: "elevation_angle",
    easting: "easting",
    northing: "northing",
    latitude: "latitude",
    longitude: "longitude",
    altitude: "altitude"
  }
};
var cbv_default = cbv;

// package/src/hash_generator/EPCISEventToPreHashedString.js
var epcisDefaultContext = {
  epcis: "https://ref.gs1.org/epcis/",
  cbv: "https://ref.gs1.org/cbv/",
  cbvmda: "urn:epcglobal:cbv:mda:",
  gs1: "https://gs1.org/voc/",
  rdfs: "http://www.w3.org/2000/01/rdf-schema#",
  owl: "http://www.w3.org/2002/07/owl#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
  dcterms: "http://purl.org/dc/terms/"
};
var getPreHashStringOfField = (field, value, throwError) => {
  value = removeWhiteSpaceAtTheBeginningOrEndOfString(value);
  value = formatTheDate(value);
  value = convertEpcUriToDlUri(value, throwError);
  value = truncateTrailingZeros(value);
  return `${field}=${value}`;
};
var getPreHashStringFromCustomFieldElementList = (prefix, value, context, throwError) => {
  const strings = [];
  for (let i = 0; i < value.length; i += 1) {
    if (value[i].toString() === "[object Object]") {
      strings.push(`${prefix}${getPreHashStringOfElementWithChildren(value[i], context, throwError)}`);
    } else {
      strings.push(getPreHashStringOfField(prefix, value[i], throwError));
    }
  }
  return listOfStringToPreHashLexicalOrderedString(strings);
};
var getPreHashStringFromCustomFieldElement = (key, value, context, throwError) => {
  let field = key;
  if (key === "rdfs:comment") return "";
  const splitKey = key.split(":");
  if (splitKey.length > 1) {
    if (!context.hasOwnProperty(splitKey[0])) {
      if (splitKey[0] === "@xmlns") {
        return "";
      }
      if (throwError) {
        throw new Error(`The context isn't defined for the custom field ${key}`);
      }
      return "";
    }
    field = key.replace(`${splitKey[0]}:`, `{${context[splitKey[0]]}}`);
  } else if (key.startsWith("#")) {
    return `=${value}`;
  }
  if (value.toString() === "[object Object]") {
    return `${field}${getPreHashStringOfElementWithChildren(value, context, throwError)}`;
  }
  if (Array.isArray(value)) {
    return getPreHashStringFromCustomFieldElementList(field, value, context, throwError);
  }
  return getPreHashStringOfField(field, value, throwError);
};
var getPreHashStringOfElementWithChildren = (element, context, throwError) => {
  let string = "";
  const strings = [];
  Object.keys(element).forEach((key) => {
    strings.push(getPreHashStringFromCustomFieldElement(key, element[key], context, throwError));
  });
  string += listOfStringToPreHashLexicalOrderedString(strings);
  return string;
};
var preHashStringTheList = (list, context, fieldName, throwError) => {
  let string = fieldName;
  const strings = [];
  const customFields = [];
  let localCustomFields = [];
  let res;
  let s;
  if (list.length === 0) return "";
  switch (fieldName) {
    case "epcList":
      for (let i = 0; i < list.length; i += 1) {
        strings.push(getPreHashStringOfField("epc", list[i], throwError));
      }
      break;
    case "childEPCs":
      for (let i = 0; i < list.length; i += 1) {
        strings.push(getPreHashStringOfField("epc", list[i], throwError));
      }
      break;
    case "outputEPCList":
      for (let i = 0; i < list.length; i += 1) {
        strings.push(getPreHashStringOfField("epc", list[i], throwError));
      }
      break;
    case "inputEPCList":
      for (let i = 0; i < list.length; i += 1) {
        strings.push(getPreHashStringOfField("epc", list[i], throwError));
      }
      break;
    case "set":
      string = "";
      for (let i = 0; i < list.length; i += 1) {
        res = list[i];
        if (Object.values(cbv_default.dispositions).includes(res)) {
          res = `https://ref.gs1.org/cbv/Disp-${res}`;
        }
        strings.push(getPreHashStringOfField("set", res, throwError));
      }
      break;
    case "unset":
      string = "";
      for (let i = 0; i < list.length; i += 1) {
        res = list[i];
        if (Object.values(cbv_default.dispositions).includes(res)) {
          res = `https://ref.gs1.org/cbv/Disp-${res}`;
        }
        strings.push(getPreHashStringOfField("unset", res, throwError));
      }
      break;
    case "quantityList":
      for (let i = 0; i < list.length; i += 1) {
        res = getOrderedPreHashString(
          list[i],
          context,
          quantityElementCanonicalPropertyOrder,
          throwError
        );
        strings.push(`quantityElement${res.preHashed}`);
        customFields.push(...res.customFields.map((j) => `quantityElement${j}`));
      }
      break;
    case "childQuantityList":
      for (let i = 0; i < list.length; i += 1) {
        res = getOrderedPreHashString(
          list[i],
          context,
          quantityElementCanonicalPropertyOrder,
          throwError
        );
        strings.push(`quantityElement${res.preHashed}`);
        customFields.push(...res.customFields.map((j) => `quantityElement${j}`));
      }
      break;
    case "inputQuantityList":
      for (let i = 0; i < list.length; i += 1) {
        res = getOrderedPreHashString(
          list[i],
          context,
          quantityElementCanonicalPropertyOrder,
          throwError
        );
        strings.push(`quantityElement${res.preHashed}`);
        customFields.push(...res.customFields.map((j) => `quantityElement${j}`));
      }
      break;
    case "outputQuantityList":
      for (let i = 0; i < list.length; i += 1) {
        res = getOrderedPreHashString(
          list[i],
          context,
          quantityElementCanonicalPropertyOrder,
          throwError
        );
        strings.push(`quantityElement${res.preHashed}`);
        customFields.push(...res.customFields.map((j) => `quantityElement${j}`));
      }
      break;
    case "bizTransactionList":
      for (let i = 0; i < list.length; i += 1) {
        if (Object.values(cbv_default.businessTransactionTypes).includes(list[i].type)) {
          list[i].type = `https://ref.gs1.org/cbv/BTT-${list[i].type}`;
        }
        res = getOrderedPreHashString(
          list[i],
          context,
          bizTransactionCanonicalPropertyOrder,
          throwError
        );
        strings.push(res.preHashed);
        customFields.push(...res.customFields.map((j) => `bizTransaction${j}`));
      }
      break;
    case "sourceList":
      for (let i = 0; i < list.length; i += 1) {
        if (Object.values(cbv_default.sourceDestinationTypes).includes(list[i].type)) {
          list[i].type = `https://ref.gs1.org/cbv/SDT-${list[i].type}`;
        }
        res = getOrderedPreHashString(list[i], context, sourceCanonicalPropertyOrder, throwError);
        strings.push(res.preHashed);
        customFields.push(...res.customFields.map((j) => `source${j}`));
      }
      break;
    case "destinationList":
      for (let i = 0; i < list.length; i += 1) {
        if (Object.values(cbv_default.sourceDestinationTypes).includes(list[i].type)) {
          list[i].type = `https://ref.gs1.org/cbv/SDT-${list[i].type}`;
        }
        res = getOrderedPreHashString(
          list[i],
          context,
          destinationCanonicalPropertyOrder,
          throwError
        );
        strings.push(res.preHashed);
        customFields.push(...res.customFields.map((j) => `destination${j}`));
      }
      break;
    case "sensorElementList":
      localCustomFields = [];
      for (let i = 0; i < list.length; i += 1) {
        res = getOrderedPreHashString(
          list[i],
          context,
          sensorElementCanonicalPropertyOrder,
          throwError
        );
        strings.push(`sensorElement${res.preHashed}`);
        if (res.customFields.length) {
          s = listOfStringToPreHashLexicalOrderedString(res.customFields);
          localCustomFields.push(`sensorElement${s}`);
        }
      }
      if (localCustomFields.length) {
        s = listOfStringToPreHashLexicalOrderedString(localCustomFields);
        customFields.push(`sensorElementList${s}`);
      }
      break;
    case "sensorReport":
      string = "";
      for (let i = 0; i < list.length; i += 1) {
        if (Object.values(cbv_default.sensorMeasurementTypes).includes(list[i].type)) {
          list[i].type = `https://gs1.org/voc/${list[i].type}`;
        }
        if (Object.values(cbv_default.alarmTypes).includes(list[i].exception)) {
          list[i].exception = `https://gs1.org/voc/${list[i].exception}`;
        }
        if (Object.values(cbv_default.components).includes(list[i].component)) {
          list[i].component = `https://ref.gs1.org/cbv/Comp-${list[i].component}`;
        }
        res = getOrderedPreHashString(
          list[i],
          context,
          sensorReportCanonicalPropertyOrder,
          throwError
        );
        strings.push(`sensorReport${res.preHashed}`);
        if (res.customFields.length) {
          s = listOfStringToPreHashLexicalOrderedString(res.customFields);
          customFields.push(`sensorReport${s}`);
        }
      }
      break;
    default:
      for (let i = 0; i < list.length; i += 1) {
        customFields.push(
          getPreHashStringFromCustomFieldElement(fieldName, list[i], context, throwError)
        );
      }
      break;
  }
  string += listOfStringToPreHashLexicalOrderedString(strings);
  return { preHashed: string, customFields };
};
var getOrderedPreHashString = (object, context, orderList, throwError, recursive = true) => {
  let string = "";
  const strings = [];
  let res;
  let s;
  for (let i = 0; i < orderList.length; i += 1) {
    if (object.hasOwnProperty(orderList[i])) {
      if (Array.isArray(object[orderList[i]])) {
        res = preHashStringTheList(object[orderList[i]], context, orderList[i], throwError);
        string += res.preHashed;
        strings.push(...res.customFields);
      } else {
        switch (orderList[i]) {
          case "type":
            string += getPreHashStringOfField(
              recursive ? "type" : "eventType",
              object[orderList[i]],
              throwError
            );
            break;
          case "readPoint":
            string += "readPoint";
            res = getOrderedPreHashString(
              object[orderList[i]],
              context,
              readPointCanonicalPropertyOrder,
              throwError
            );
            string += res.preHashed;
            if (res.customFields.length) {
              s = listOfStringToPreHashLexicalOrderedString(res.customFields);
              strings.push(`readPoint${s}`);
            }
            break;
          case "bizLocation":
            string += "bizLocation";
            res = getOrderedPreHashString(
              object[orderList[i]],
              context,
              bizLocationCanonicalPropertyOrder,
              throwError
            );
            string += res.preHashed;
            if (res.customFields.length) {
              s = listOfStringToPreHashLexicalOrderedString(res.customFields);
              strings.push(`bizLocation${s}`);
            }
            break;
          case "sensorMetadata":
            string += "sensorMetadata";
            res = getOrderedPreHashString(
              object[orderList[i]],
              context,
              sensorMetadataCanonicalPropertyOrder,
              throwError
            );
            string += res.preHashed;
            if (res.customFields.length) {
              s = listOfStringToPreHashLexicalOrderedString(res.customFields);
              strings.push(`sensorMetadata${s}`);
            }
            break;
          case "persistentDisposition":
            string += "persistentDisposition";
            res = getOrderedPreHashString(
              object[orderList[i]],
              context,
              persistentDispositionCanonicalPropertyOrder,
              throwError
            );
            string += res.preHashed;
            break;
          case "ilmd":
            string += `ilmd${getPreHashStringOfElementWithChildren(
              object[orderList[i]],
              context,
              throwError
            )}`;
            break;
          case "bizStep":
            res = object[orderList[i]];
            if (Object.values(cbv_default.bizSteps).includes(res)) {
              res = `https://ref.gs1.org/cbv/BizStep-${res}`;
            }
            string += getPreHashStringOfField(orderList[i], res, throwError);
            break;
          case "disposition":
            res = object[orderList[i]];
            if (Object.values(cbv_default.dispositions).includes(res)) {
              res = `https://ref.gs1.org/cbv/Disp-${res}`;
            }
            string += getPreHashStringOfField(orderList[i], res, throwError);
            break;
          default:
            string += getPreHashStringOfField(orderList[i], object[orderList[i]], throwError);
            break;
        }
      }
    }
  }
  const fieldsToAdd = {};
  Object.keys(object).forEach((prop) => {
    if (!orderList.includes(prop) && !toBeIgnored.includes(prop)) {
      fieldsToAdd[prop] = object[prop];
    }
  });
  Object.keys(fieldsToAdd).forEach((prop) => {
    strings.push(
      getPreHashStringFromCustomFieldElement(prop, fieldsToAdd[prop], context, throwError)
    );
  });
  return { preHashed: string, customFields: strings };
};
var eventToPreHashedString = (event, context, throwError = true) => {
  let contextObject = {};
  let i = 0;
  if (Array.isArray(context)) {
    context.forEach((c) => {
      if (typeof c === "string") {
        const obj = {};
        i += 1;
        obj[`default${i > 1 ? i : ""}`] = c;
        contextObject = { ...contextObject, ...obj };
      } else if (c instanceof Object) {
        contextObject = { ...contextObject, ...c };
      }
    });
  } else if (typeof context === "string") {
    contextObject = { default: context };
  } else if (context instanceof Object) {
    contextObject = context;
  }
  const extendedContext = { ...epcisDefaultContext, ...contextObject, ...getEventContexts(event) };
  const res = getOrderedPreHashString(
    event,
    extendedContext,
    canonicalPropertyOrder,
    throwError,
    false
  );
  return res.preHashed + listOfStringToPreHashLexicalOrderedString(res.customFields);
};

// package/src/hash_generator/EPCISEventToHashedString.js
var preHashedStringToHashedString = (preHash) => `ni:///sha-256;${import_enc_hex.default.stringify((0, import_sha256.default)(preHash))}?ver=CBV2.0`;
var eventToHashedId = (event, context, throwError = true) => {
  const preHash = eventToPreHashedString(event, context, throwError);
  return preHashedStringToHashedString(preHash);
};
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  eventToHashedId,
  eventToPreHashedString
});
