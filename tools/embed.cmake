# Turn a text file into a C string definition: const char pt_demo_worker_py[].
file(READ ${IN} content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," content "${content}")
file(WRITE ${OUT} "/* generated from tools/demo/demo_worker.py */\nconst char pt_demo_worker_py[] = {${content} 0x00};\n")
