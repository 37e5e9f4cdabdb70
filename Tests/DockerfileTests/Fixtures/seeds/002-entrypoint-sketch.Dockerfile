FROM
...
ENTRYPOINT [/usr/local/binary]
CMD [run]
